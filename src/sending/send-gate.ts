import { deliveryStore, slotKeyOf, type CapQuery, type ContactDoc, type DeliveryStore, type ParleyCollections } from '../db/index.ts';
import { capRoom, contactZone, nextSendWindow } from '../schedule/index.ts';
import type { MailboxCaps } from '../mailboxes/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { choosePoolSender, type PoolCandidate, type PoolChoice } from './sender-choice.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Decides, for one send run, whether a step may go out now: inside the contact's local send
 * window, under the per-contact 30-day cap (all sequences) and the sender mailbox's hourly and
 * daily caps (counted over every sequence sending from it; MAILBOXES_FILE's caps win over the
 * sequence's). For a pool enrollment without a sender yet, it also picks the mailbox (reservePool). Attempts in flight count, so a burst can't overshoot by its own size; attempts
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
  /**
   * This run's reservations per mailbox, by step (`<enrollment>:<step>`): a re-read near the cap
   * adds those whose send claim is not in the database yet (still being composed, in another lane),
   * or a run with several steps in flight could pass the cap by their number.
   */
  readonly #reserved = new Map<string, Map<string, Date>>();
  /** Reservations run one at a time, so concurrent steps of one run can't both take the last room under a cap. */
  #reserving: Promise<unknown> = Promise.resolve();

  /** A mailbox's caps from MAILBOXES_FILE; undefined: the sequence policy's. */
  readonly #capsOf: (mailbox: string) => MailboxCaps | undefined;

  private constructor(db: ParleyCollections, exactWithin: number, capsOf: (mailbox: string) => MailboxCaps | undefined) {
    this.#deliveries = deliveryStore(db);
    this.#exactWithin = exactWithin;
    this.#capsOf = capsOf;
  }

  /** Reads the recent sends to these contacts and from these mailboxes. */
  static async open(
    db: ParleyCollections,
    batch: { contacts: readonly string[]; mailboxes: readonly string[] },
    now: Date,
    options: { exactWithin: number; capsOf?: ((mailbox: string) => MailboxCaps | undefined) | undefined },
  ): Promise<SendGate> {
    const gate = new SendGate(db, options.exactWithin, options.capsOf ?? (() => undefined));
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
   * Undefined when the step may go out now from `mailbox` (the enrollment's sender), and then it
   * counts as sent for the rest of this run; otherwise the next moment it may. A reservation whose
   * step is then not sent (claimed by another worker, skipped) stays counted until the next run
   * reads the claims again: near a cap that errs on the side of sending less.
   */
  reserve(
    sequence: Sequence,
    contact: ContactDoc,
    now: Date,
    mailbox: string = sequence.sender.address,
    step?: string,
  ): Promise<Date | undefined> {
    return this.#serially(async () => {
      const allowedAt = await this.check(sequence, contact, now, mailbox);
      if (!allowedAt) this.#claimed(mailbox, contact, now, step);
      return allowedAt;
    });
  }

  /**
   * For an enrollment of a pool that has no sender yet: the pool mailbox it should be given
   * (choosePoolSender: room under its caps, fewest sends in the last day), reserved like `reserve`
   * does; or the next moment the window and some mailbox's caps allow a step.
   */
  reservePool(
    sequence: Sequence,
    contact: ContactDoc,
    now: Date,
    enrollmentId: string,
    pool: readonly string[],
    step?: string,
  ): Promise<{ address: string } | { allowedAt: Date; full: string[] }> {
    return this.#serially(async () => {
      const window = this.#window(sequence, contact, now);
      if (window > now) return { allowedAt: window, full: [] };
      const candidates: PoolCandidate[] = [];
      for (const address of pool) {
        const { room, sends } = await this.#mailboxRoom(sequence, contact, now, address);
        const dayAgo = now.getTime() - DAY;
        candidates.push({
          address,
          sentLastDay: sends.filter((t) => t.getTime() > dayAgo).length,
          roomAt: room > now ? room : undefined,
        });
      }
      const choice: PoolChoice = choosePoolSender(enrollmentId, candidates) ?? { allowedAt: window };
      if ('address' in choice) {
        this.#claimed(choice.address, contact, now, step);
        return choice;
      }
      const zone = contactZone(contact.timeZone, sequence.policy);
      const full = candidates.flatMap((c) => (this.mailboxFull(sequence, c.address, now) ? [c.address] : []));
      return { allowedAt: nextSendWindow(choice.allowedAt, zone, sequence.policy), full };
    });
  }

  /** Undefined when the step may go out now from `mailbox`; otherwise the next moment it may. */
  async check(sequence: Sequence, contact: ContactDoc, now: Date, mailbox: string = sequence.sender.address): Promise<Date | undefined> {
    const window = this.#window(sequence, contact, now);
    if (window > now) return window;
    const { room } = await this.#mailboxRoom(sequence, contact, now, mailbox);
    return room > now ? nextSendWindow(room, contactZone(contact.timeZone, sequence.policy), sequence.policy) : undefined;
  }

  /** Whether the mailbox's own hourly or daily cap holds a step back now (as last read), whatever the contact's. */
  mailboxFull(sequence: Sequence, mailbox: string, now: Date): boolean {
    const caps = { maxPerContact30d: sequence.policy.maxPerContact30d, ...this.capsFor(sequence, mailbox) };
    return capRoom(now, caps, { toContact: [], fromMailbox: this.#fromMailbox.get(mailbox) ?? [] }) > now;
  }

  /** The caps a mailbox sends under: those of MAILBOXES_FILE when it gives them, else the sequence's policy. */
  capsFor(sequence: Sequence, mailbox: string): MailboxCaps {
    return this.#capsOf(mailbox) ?? sequence.policy.mailboxCaps;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#reserving.then(work);
    this.#reserving = result.catch(() => undefined);
    return result;
  }

  /** The next opening of the contact's send window (now when inside it). */
  #window(sequence: Sequence, contact: ContactDoc, now: Date): Date {
    return nextSendWindow(now, contactZone(contact.timeZone, sequence.policy), sequence.policy);
  }

  /** When the contact's 30-day cap and the mailbox's hourly and daily caps leave room, and the mailbox's sends counted. */
  async #mailboxRoom(sequence: Sequence, contact: ContactDoc, now: Date, mailbox: string): Promise<{ room: Date; sends: readonly Date[] }> {
    let fromMailbox = this.#fromMailbox.get(mailbox) ?? [];
    const mailboxCaps = this.capsFor(sequence, mailbox);
    const caps = { maxPerContact30d: sequence.policy.maxPerContact30d, perHour: mailboxCaps.perHour, perDay: mailboxCaps.perDay };
    if (this.#nearCap(fromMailbox, caps, now)) {
      const claims = await this.#deliveries.countedClaims(this.#mailboxQuery([mailbox], now));
      const claimed = new Set(claims.map((c) => slotKeyOf(c._id)));
      const inFlight = [...(this.#reserved.get(mailbox) ?? [])].flatMap(([step, at]) => (claimed.has(step) ? [] : [at]));
      fromMailbox = [...claims.map((d) => d.claimedAt), ...inFlight];
      this.#fromMailbox.set(mailbox, fromMailbox);
    }
    const room = capRoom(now, caps, { toContact: this.#toContact.get(contact.email) ?? [], fromMailbox });
    return { room, sends: fromMailbox };
  }

  /** Counts a claim this run made, so later steps in the run see it without reading again. */
  #claimed(mailbox: string, contact: ContactDoc, at: Date, step: string | undefined): void {
    if (step !== undefined) {
      const reserved = this.#reserved.get(mailbox) ?? new Map<string, Date>();
      reserved.set(step, at);
      this.#reserved.set(mailbox, reserved);
    }
    for (const [map, key] of [
      [this.#toContact, contact.email],
      [this.#fromMailbox, mailbox],
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
