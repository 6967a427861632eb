import type { ContactDoc, ParleyCollections, SendClaimDoc } from '../db/index.ts';
import { capRoom, contactZone, nextSendWindow } from '../schedule/index.ts';
import type { Sequence } from '../sequences/index.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Decides, for one send run, whether a step may go out now: inside the contact's local send
 * window, under the per-contact 30-day cap (all sequences) and the sender mailbox's hourly and
 * daily caps. Attempts in flight count, so a burst can't overshoot by its own size; attempts
 * that failed or were abandoned do not.
 *
 * The send times are read once per run for the whole batch (one query per kind, not per step:
 * on FerretDB v1 every such query scans `send_claims`) and this run's own claims are added as they
 * happen. Near a mailbox cap (less room than `exactWithin`) the mailbox's times are read again
 * before every step, so other workers' sends count: caps stay exact within one worker and can be
 * passed by at most one email per extra worker. Far from the cap that precision buys nothing.
 */
export class SendGate {
  readonly #db: ParleyCollections;
  readonly #exactWithin: number;
  readonly #toContact = new Map<string, Date[]>();
  readonly #fromMailbox = new Map<string, Date[]>();

  private constructor(db: ParleyCollections, exactWithin: number) {
    this.#db = db;
    this.#exactWithin = exactWithin;
  }

  /** Reads the recent sends to these contacts and from these mailboxes. */
  static async open(
    db: ParleyCollections,
    batch: { contacts: readonly string[]; mailboxes: readonly string[] },
    now: Date,
    options: { exactWithin: number },
  ): Promise<SendGate> {
    const gate = new SendGate(db, options.exactWithin);
    const [toContact, fromMailbox] = await Promise.all([
      batch.contacts.length === 0
        ? []
        : gate.#counted({ to: { $in: [...batch.contacts] }, claimedAt: { $gte: new Date(now.getTime() - 30 * DAY) } }),
      batch.mailboxes.length === 0 ? [] : gate.#readMailboxes(batch.mailboxes, now),
    ]);
    for (const address of batch.contacts) gate.#toContact.set(address, []);
    for (const d of toContact) gate.#toContact.get(d.to)?.push(d.claimedAt);
    for (const address of batch.mailboxes) gate.#fromMailbox.set(address, []);
    for (const d of fromMailbox) gate.#fromMailbox.get(d.from)?.push(d.claimedAt);
    return gate;
  }

  /** Undefined when the step may go out now; otherwise the next moment it may. */
  async check(sequence: Sequence, contact: ContactDoc, now: Date): Promise<Date | undefined> {
    const { policy } = sequence;
    const zone = contactZone(contact.timeZone, policy);
    const window = nextSendWindow(now, zone, policy);
    if (window > now) return window;

    const mailbox = sequence.sender.address;
    let fromMailbox = this.#fromMailbox.get(mailbox) ?? [];
    const caps = { maxPerContact30d: policy.maxPerContact30d, perHour: policy.mailboxCaps.perHour, perDay: policy.mailboxCaps.perDay };
    if (this.#nearCap(fromMailbox, caps, now)) {
      fromMailbox = (await this.#readMailboxes([mailbox], now)).map((d) => d.claimedAt);
      this.#fromMailbox.set(mailbox, fromMailbox);
    }
    const room = capRoom(now, caps, { toContact: this.#toContact.get(contact.email) ?? [], fromMailbox });
    return room > now ? nextSendWindow(room, zone, policy) : undefined;
  }

  /** Counts a claim this run made, so later steps in the run see it without reading again. */
  claimed(sequence: Sequence, contact: ContactDoc, at: Date): void {
    for (const [map, key] of [
      [this.#toContact, contact.email],
      [this.#fromMailbox, sequence.sender.address],
    ] as const) {
      const times = map.get(key);
      if (times) times.push(at);
      else map.set(key, [at]);
    }
  }

  #nearCap(sends: readonly Date[], caps: { perHour: number; perDay: number }, now: Date): boolean {
    const since = (ms: number) => sends.filter((t) => t.getTime() > now.getTime() - ms).length;
    return caps.perHour - since(HOUR) < this.#exactWithin || caps.perDay - since(DAY) < this.#exactWithin;
  }

  #readMailboxes(mailboxes: readonly string[], now: Date) {
    return this.#counted({ from: { $in: [...mailboxes] }, claimedAt: { $gte: new Date(now.getTime() - DAY) } });
  }

  /** The claims matching `filter`, less those whose outcome was a failure or an abandon: those sent nothing. */
  async #counted(filter: { to?: { $in: string[] }; from?: { $in: string[] }; claimedAt: { $gte: Date } }): Promise<Array<Pick<SendClaimDoc, '_id' | 'to' | 'from' | 'claimedAt'>>> {
    const projection = { to: 1, from: 1, claimedAt: 1 };
    const [claims, uncounted] = await Promise.all([
      this.#db.sendClaims.find(filter, { projection }).toArray(),
      this.#db.deliveries.find({ ...filter, state: { $in: ['failed', 'abandoned'] } }, { projection: { _id: 1 } }).toArray(),
    ]);
    if (uncounted.length === 0) return claims;
    const skip = new Set(uncounted.map((d) => d._id));
    return claims.filter((c) => !skip.has(c._id));
  }
}
