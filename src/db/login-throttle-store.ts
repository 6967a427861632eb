import type { Collection, Db } from 'mongodb';
import { insertOnce } from './database.ts';

// Failed logins per account (`login_throttle`) and the attempt tickets that let one guess at a
// time through (`login_attempts`), read by the rep app's login (src/reps/login-throttle.ts).

/** One account's run of failed logins. Keyed by a hash of the address typed, whether or not a rep has it. */
export interface LoginThrottleDoc {
  /** `acct:<SHA-256 hex of the lower-cased address>`. */
  _id: string;
  /** Failed logins since the last success (or since the record was forgotten). */
  failures: number;
  /** Bumped at each success, so the tickets of the run before are not in the way. */
  streak: number;
  lastFailureAt: Date;
}

/** One attempt let through: `<account>#<streak>#<n>`, n the failure it would be. */
export interface LoginTicketDoc {
  _id: string;
  at: Date;
}

export class LoginThrottleStore {
  readonly #state: Collection<LoginThrottleDoc>;
  readonly #tickets: Collection<LoginTicketDoc>;

  constructor(db: Db) {
    this.#state = db.collection<LoginThrottleDoc>('login_throttle');
    this.#tickets = db.collection<LoginTicketDoc>('login_attempts');
  }

  get(account: string): Promise<LoginThrottleDoc | null> {
    return this.#state.findOne({ _id: account });
  }

  /**
   * Takes the ticket: undefined when ours, else the ticket another attempt took first. An insert,
   * because it is the one write that is atomic on FerretDB v1 too: two guesses read at once get
   * one ticket between them.
   */
  async takeTicket(id: string, at: Date): Promise<LoginTicketDoc | undefined> {
    if ((await insertOnce(this.#tickets, { _id: id, at })) === 'inserted') return undefined;
    return (await this.#tickets.findOne({ _id: id })) ?? undefined;
  }

  /** Written by the holder of the ticket for failure `failures`, so by one attempt at a time. */
  async recordFailure(doc: LoginThrottleDoc): Promise<void> {
    await this.#state.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  async recordSuccess(account: string, streak: number, now: Date): Promise<void> {
    await this.#state.replaceOne({ _id: account }, { failures: 0, streak: streak + 1, lastFailureAt: new Date(0) }, { upsert: true });
    // Rare (at a successful login) and unindexed on FerretDB v1: drop what nobody reads any more.
    const old = new Date(now.getTime() - FORGET_AFTER_MS);
    await this.#tickets.deleteMany({ at: { $lt: old } });
    await this.#state.deleteMany({ failures: { $gt: 0 }, lastFailureAt: { $lt: old } });
  }
}

/** Milliseconds after which a run of failures is forgotten: a day. */
export const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;
