import { createHash } from 'node:crypto';
import { FORGET_AFTER_MS, type LoginThrottleStore } from '../db/index.ts';

/** Failed logins an account may have before each further attempt waits. */
export const LOGIN_FREE_FAILURES = 5;
/** Milliseconds of the first wait; each further failure doubles it. */
export const LOGIN_FIRST_DELAY_MS = 1_000;
/** Milliseconds; the wait never grows past this, so a rep is never locked out for longer. */
export const LOGIN_MAX_DELAY_MS = 5 * 60_000;
/** Milliseconds after which a ticket whose attempt never reported back (a crash) is ignored. */
const STALE_TICKET_MS = 30_000;

/** Milliseconds an account with this many failures waits after its last one: 0 for the first few, then 1 s, 2 s, 4 s ... 5 min. */
export function loginDelayMs(failures: number): number {
  if (failures < LOGIN_FREE_FAILURES) return 0;
  return Math.min(LOGIN_FIRST_DELAY_MS * 2 ** (failures - LOGIN_FREE_FAILURES), LOGIN_MAX_DELAY_MS);
}

/** A login attempt's turn: go ahead and report how it went, or wait. */
export type LoginTurn = { allowed: true; settle: (ok: boolean) => Promise<void> } | { allowed: false; retryAfterMs: number };

/**
 * Per-account login throttling with backoff, shared by every worker through MongoDB. Counted per
 * address typed, whether or not a rep has it, so the answer never tells which addresses exist.
 * There is no lock-out: after LOGIN_FREE_FAILURES failures each attempt waits a doubling delay
 * (capped at LOGIN_MAX_DELAY_MS) after the last failure, and the right password after the wait
 * logs in. Attempts refused for waiting count nothing, so hammering does not extend the wait.
 */
export class LoginThrottle {
  readonly #store: LoginThrottleStore;

  constructor(store: LoginThrottleStore) {
    this.#store = store;
  }

  async begin(email: string, now: Date): Promise<LoginTurn> {
    const account = `acct:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
    const state = await this.#store.get(account);
    const forgotten = !state || now.getTime() - state.lastFailureAt.getTime() > FORGET_AFTER_MS;
    const failures = forgotten ? 0 : state.failures;
    const streak = state?.streak ?? 0;
    const wait = failures === 0 || !state ? 0 : state.lastFailureAt.getTime() + loginDelayMs(failures) - now.getTime();
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    // One attempt per failure number: parallel guesses read the same count, and only one of them
    // gets the ticket, so guesses from many addresses at once cannot skip the waits.
    const taken = await this.#store.takeTicket(`${account}#${streak}#${failures + 1}`, now);
    if (taken && now.getTime() - taken.at.getTime() < STALE_TICKET_MS) {
      return { allowed: false, retryAfterMs: Math.max(LOGIN_FIRST_DELAY_MS, loginDelayMs(failures + 1)) };
    }
    return {
      allowed: true,
      settle: (ok) =>
        ok
          ? this.#store.recordSuccess(account, streak, now)
          : this.#store.recordFailure({ _id: account, failures: failures + 1, streak, lastFailureAt: now }),
    };
  }
}
