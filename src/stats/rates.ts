import type { Rate } from './types.ts';

/** Above this opt-out rate (3% of delivered) a step or sequence is flagged: its emails annoy more people than conversations usually do. */
export const OPT_OUT_WARNING_RATE = 0.03;

/** The intents that count as a positive reply. */
export const POSITIVE_INTENTS: ReadonlySet<string> = new Set(['interested', 'meeting_request']);

/** count / of, undefined when nothing was there to divide by. */
export function rate(count: number, of: number): Rate {
  return { count, of, value: of === 0 ? undefined : count / of };
}

/**
 * Nearest-rank percentile: the smallest value with at least p of all values at or below it, i.e.
 * the ⌈p·n⌉-th smallest. Always a value that occurred (a real answer time), never an interpolation.
 * Undefined for no values. `sorted` must be in ascending order.
 */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}
