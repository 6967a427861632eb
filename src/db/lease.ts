import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ParleyCollections } from './database.ts';
import type { MailboxLeaseDoc } from './documents.ts';
import { mailboxLeaseSlots, type NumberedSlots } from './numbered-slots.ts';

/** Every this many terms the holder deletes the terms older than the last KEEP_TERMS. */
const CLEANUP_EVERY_TERMS = 50;
const KEEP_TERMS = 10;

/** This process, as a lease holder: `<hostname>:<pid>:<random>`. */
export function defaultHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export interface LeaseOptions {
  db: Pick<ParleyCollections, 'mailboxLeases'>;
  /** What the lease is on: a mailbox key (`mailboxKey(config.imap)`), or a job's name. */
  key: string;
  /** How long one term lasts, in milliseconds. */
  leaseMs: number;
  /** Who this replica is; `defaultHolderId()` by default. */
  holder?: string;
  /** The clock; tests inject one. */
  now?: () => Date;
}

/**
 * One replica's lease on one thing several replicas must do one at a time (poll an IMAP mailbox,
 * fold the segment event queue). The lease is a sequence of inserted terms (`mailbox_leases`,
 * `<key>#<term>`): taking
 * it inserts term n+1 once the newest term n has run out; renewing inserts term n+1 while our term
 * n still runs; releasing inserts a term that runs out at once. A duplicate key means another
 * replica won. Inserts with a unique `_id` are atomic on MongoDB and FerretDB v1 alike; updates are
 * never the guard (FerretDB v1's findOneAndUpdate is not atomic, and every update scans).
 *
 * Expiry is judged by each replica's own clock: keep the clocks in sync (NTP) to well under a
 * third of the lease, the renewal period.
 */
export class Lease {
  readonly holder: string;
  readonly leaseMs: number;
  readonly #o: LeaseOptions;
  readonly #now: () => Date;
  readonly #terms: NumberedSlots<MailboxLeaseDoc>;
  /** The term we wrote last, while we hold it. */
  #term: MailboxLeaseDoc | undefined;

  constructor(options: LeaseOptions) {
    this.#o = options;
    this.#terms = mailboxLeaseSlots(options.db);
    this.leaseMs = options.leaseMs;
    this.holder = options.holder ?? defaultHolderId();
    this.#now = options.now ?? (() => new Date());
  }

  /** How often the holder renews, and a non-holder tries to take the lease: a third of it. */
  get renewEveryMs(): number {
    return Math.max(1, Math.floor(this.leaseMs / 3));
  }

  /** True while our newest term runs (by our clock). */
  get held(): boolean {
    return this.#term !== undefined && this.#now() < this.#term.until;
  }

  /** The term we hold, if any. */
  get term(): number | undefined {
    return this.held ? this.#term?.term : undefined;
  }

  /** Takes the lease when nobody holds it (the newest term has run out). True when we hold it now. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    this.#term = undefined;
    const now = this.#now();
    const result = await this.#terms.takeNext(this.#o.key, {
      make: (slot) => this.#termDoc(slot, new Date(now.getTime() + this.leaseMs)),
      held: (t) => t.until > now,
      tries: 1,
    });
    if ('taken' in result) this.#term = result.taken;
    // Ours when a write of ours landed but its answer was lost: nobody else can follow it before it runs out.
    else if ('heldBy' in result && result.heldBy.holder === this.holder) this.#term = result.heldBy;
    return this.#term !== undefined;
  }

  /**
   * Extends the lease by inserting the next term, while ours still runs. False: the lease is lost
   * (it ran out first, or another replica wrote the next term) and we must stop polling at once.
   */
  async renew(): Promise<boolean> {
    const current = this.#term;
    if (!current || !this.held) {
      this.#term = undefined;
      return false;
    }
    // Undefined: another replica wrote the next term; the one we had still runs out on time.
    this.#term = await this.#terms.take(this.#o.key, current.term + 1, (slot) =>
      this.#termDoc(slot, new Date(this.#now().getTime() + this.leaseMs)),
    );
    const renewed = this.#term !== undefined;
    if (renewed && (current.term + 1) % CLEANUP_EVERY_TERMS === 0) {
      await this.#terms.forget(this.#o.key, current.term + 1 - KEEP_TERMS);
    }
    return renewed;
  }

  /** Hands the lease over: a term that has already run out, so the next replica may take it at once. */
  async release(): Promise<void> {
    const current = this.#term;
    if (!current || !this.held) {
      this.#term = undefined;
      return;
    }
    const now = this.#now();
    this.#term = undefined; // we stop counting ourselves the holder before the write
    const released = await this.#terms.take(this.#o.key, current.term + 1, (slot) => this.#termDoc(slot, now));
    // A lease taken and released for every run (the segment event pass) writes its terms here.
    if (released && (current.term + 1) % CLEANUP_EVERY_TERMS === 0) await this.#terms.forget(this.#o.key, current.term + 1 - KEEP_TERMS);
  }

  /** The newest term, whoever wrote it. */
  newest(): Promise<MailboxLeaseDoc | undefined> {
    return this.#terms.newest(this.#o.key);
  }

  #termDoc(slot: { _id: string; n: number }, until: Date): MailboxLeaseDoc {
    return { _id: slot._id, mailbox: this.#o.key, term: slot.n, holder: this.holder, at: this.#now(), until };
  }
}
