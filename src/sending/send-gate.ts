import { deliveryStore, type CapQuery, type ContactDoc, type DeliveryStore, type ParleyCollections } from '../db/index.ts';
import { capRoom, contactZone, nextSendWindow } from '../schedule/index.ts';
import type { Sequence } from '../sequences/index.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Decides, for one send run, whether a step may go out now: inside the contact's local send
 * window, under the per-contact 30-day cap (all sequences) and the sender mailbox's hourly and
 * daily caps. Attempts in flight count, so a burst can't overshoot by its own size; attempts
 * that failed or were abandoned do not (their release, a second claim document, cancels them).
 *
 * The send times are read once per run for the whole batch, in one query (on FerretDB v1 every
 * such query scans `send_claims`), and this run's own claims are added as they happen. Near a mailbox cap (less room than `exactWithin`) the mailbox's times are read again
 * before every step, so other workers' sends count: caps stay exact within one worker and can be
 * passed by at most one email per extra worker. Far from the cap that precision buys nothing.
 */
export class SendGate {
  readonly #deliveries: DeliveryStore;
  readonly #exactWithin: number;
  readonly #toContact = new Map<string, Date[]>();
  readonly #fromMailbox = new Map<string, Date[]>();
  /** Reservations run one at a time, so concurrent steps of one run can't both take the last room under a cap. */
  #reserving: Promise<unknown> = Promise.resolve();

  private constructor(db: ParleyCollections, exactWithin: number) {
    this.#deliveries = deliveryStore(db);
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
    const recent = await gate.#deliveries.countedClaims({
      to: { addresses: batch.contacts, since: new Date(now.getTime() - 30 * DAY) },
      ...gate.#mailboxQuery(batch.mailboxes, now),
    });
    for (const address of batch.contacts) gate.#toContact.set(address, []);
    for (const address of batch.mailboxes) gate.#fromMailbox.set(address, []);
    const dayAgo = now.getTime() - DAY;
    for (const c of recent) {
      gate.#toContact.get(c.to)?.push(c.claimedAt);
      // The contact part of the query reaches back 30 days; the mailbox caps look back one.
      if (c.claimedAt.getTime() >= dayAgo) gate.#fromMailbox.get(c.from)?.push(c.claimedAt);
    }
    return gate;
  }

  /**
   * Undefined when the step may go out now, and then it counts as sent for the rest of this run;
   * otherwise the next moment it may. A reservation whose step is then not sent (claimed by
   * another worker, skipped) stays counted until the next run reads the claims again: near a cap
   * that errs on the side of sending less.
   */
  reserve(sequence: Sequence, contact: ContactDoc, now: Date): Promise<Date | undefined> {
    const reservation = this.#reserving.then(async () => {
      const allowedAt = await this.check(sequence, contact, now);
      if (!allowedAt) this.#claimed(sequence, contact, now);
      return allowedAt;
    });
    this.#reserving = reservation.catch(() => undefined);
    return reservation;
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
      fromMailbox = (await this.#deliveries.countedClaims(this.#mailboxQuery([mailbox], now))).map((d) => d.claimedAt);
      this.#fromMailbox.set(mailbox, fromMailbox);
    }
    const room = capRoom(now, caps, { toContact: this.#toContact.get(contact.email) ?? [], fromMailbox });
    return room > now ? nextSendWindow(room, zone, policy) : undefined;
  }

  /** Counts a claim this run made, so later steps in the run see it without reading again. */
  #claimed(sequence: Sequence, contact: ContactDoc, at: Date): void {
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

  /** The mailbox caps look back one day. */
  #mailboxQuery(mailboxes: readonly string[], now: Date): Pick<CapQuery, 'from'> {
    return { from: { addresses: mailboxes, since: new Date(now.getTime() - DAY) } };
  }
}
