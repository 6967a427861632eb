/** How retries are spaced (WEBHOOK_BACKOFF_MS, WEBHOOK_BACKOFF_MAX_MS, WEBHOOK_MAX_ATTEMPTS). */
export interface BackoffSettings {
  /** Milliseconds before the second attempt, doubling after each failure. */
  baseMs: number;
  /** Milliseconds a wait never exceeds. */
  maxMs: number;
}

/**
 * The wait after failed attempt `attempt` (1 = the first): base × 2^(attempt-1), capped, then
 * "equal jitter": a random point in its upper half, so receivers coming back from an outage are
 * not hit by every worker's retries in the same second, yet no wait is shorter than half the plan.
 * `random` is in [0, 1).
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const planned = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(planned / 2 + (planned / 2) * random());
}
