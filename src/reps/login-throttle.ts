import { createHash, randomBytes } from 'node:crypto';
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

const accountOf = (email: string) => `acct:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;

/**
 * A device token (OWASP's "device cookies"): handed to a browser at a successful login and kept
 * in a signed cookie, it names the account and a random nonce. Attempts for that account that
 * carry it are counted on their own, so an attacker's failed guesses from elsewhere never make
 * the rep wait on the browser they always use; guesses made with a stolen token are throttled too.
 */
export function newDeviceToken(email: string): string {
  return `${accountOf(email)}.${randomBytes(16).toString('base64url')}`;
}

/**
 * Per-account login throttling with backoff, shared by every worker through MongoDB. Counted per
 * address typed, whether or not a rep has it, so the answer never tells which addresses exist.
 * There is no lock-out: after LOGIN_FREE_FAILURES failures each attempt waits a doubling delay
 * (capped at LOGIN_MAX_DELAY_MS) after the last failure, and the right password after the wait
 * logs in. Attempts refused for waiting count nothing, so hammering does not extend the wait.
 * Attempts with a device token of the account (newDeviceToken) have a count of their own.
 */
export class LoginThrottle {
  readonly #store: LoginThrottleStore;

  constructor(store: LoginThrottleStore) {
    this.#store = store;
  }

  /** `deviceToken`: the signed cookie's value when the browser has one; ignored unless it is this account's. */
  async begin(email: string, now: Date, deviceToken?: string): Promise<LoginTurn> {
    const owner = accountOf(email);
    const nonce = deviceToken?.startsWith(`${owner}.`) ? deviceToken.slice(owner.length + 1) : undefined;
    const account = nonce ? `${owner}#device:${nonce}` : owner;
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
