import hypergeometricPmf from '@stdlib/stats-base-dists-hypergeometric-pmf';
import { rate } from './rates.ts';
import type { Rate, VariantComparison, VariantStats } from './types.ts';

/** Sent per variant before a comparison means anything (the normal approximation wants about this many). */
export const MIN_SENT_PER_VARIANT = 30;
/** Two-sided p below this is called a difference. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** Enrollments of one step's variant; sets so every count is of distinct enrollments. */
export interface VariantTally {
  sent: ReadonlySet<string>;
  delivered: ReadonlySet<string>;
  replied: ReadonlySet<string>;
  positive: ReadonlySet<string>;
}

export function variantStats(variantId: string, t: VariantTally): VariantStats {
  const delivered = t.delivered.size;
  return {
    variantId,
    sent: t.sent.size,
    delivered,
    replied: t.replied.size,
    positive: t.positive.size,
    replyRate: rate(t.replied.size, delivered),
    positiveReplyRate: rate(t.positive.size, delivered),
  };
}

/**
 * Two-sided p-value of a two-proportion z-test (pooled). Undefined when there is nothing to
 * compare (no one in a group, or no variance: everyone or no one replied in both).
 */
export function twoProportionP(a: Pick<Rate, 'count' | 'of'>, b: Pick<Rate, 'count' | 'of'>): number | undefined {
  if (a.of === 0 || b.of === 0) return undefined;
  const pooled = (a.count + b.count) / (a.of + b.of);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.of + 1 / b.of));
  if (se === 0) return undefined;
  const z = Math.abs(a.count / a.of - b.count / b.of) / se;
  return 2 * (1 - normalCdf(z));
}

/**
 * Two-sided p-value of Fisher's exact test on the 2×2 table (replied or not, by variant): the
 * probability, with the replies spread at random over the sends, of a split as uneven as this one
 * or more. Exact where the z-test's normal approximation is not (few replies); undefined when
 * there is nothing to compare.
 */
export function fisherExactP(a: Pick<Rate, 'count' | 'of'>, b: Pick<Rate, 'count' | 'of'>): number | undefined {
  if (a.of === 0 || b.of === 0) return undefined;
  const population = a.of + b.of;
  const replies = a.count + b.count;
  const observed = hypergeometricPmf(a.count, population, replies, a.of);
  let p = 0;
  for (let k = Math.max(0, a.of + replies - population); k <= Math.min(a.of, replies); k++) {
    const pk = hypergeometricPmf(k, population, replies, a.of);
    // The relative slack counts tables exactly as likely as the observed one despite rounding.
    if (pk <= observed * (1 + 1e-7)) p += pk;
  }
  return Math.min(1, p);
}

/** Fisher's exact test where a cell's expected count is under this (the z-test's rule of thumb), else the z-test. */
const MIN_EXPECTED = 5;

/** The p-value of two reply rates and the test that gave it. */
export function compareRates(
  a: Pick<Rate, 'count' | 'of'>,
  b: Pick<Rate, 'count' | 'of'>,
): { p: number | undefined; test: 'fisher' | 'z' } {
  const pooled = a.of + b.of === 0 ? 0 : (a.count + b.count) / (a.of + b.of);
  const smallest = Math.min(a.of, b.of) * Math.min(pooled, 1 - pooled);
  return smallest < MIN_EXPECTED ? { p: fisherExactP(a, b), test: 'fisher' } : { p: twoProportionP(a, b), test: 'z' };
}

/**
 * The reply rate of the best variant against each other one, once every variant has
 * MIN_SENT_PER_VARIANT sent; "not enough data yet" before. A note, not a decision: with many
 * looks at the numbers some "differences" are luck.
 */
export function compareVariants(variants: readonly VariantStats[]): VariantComparison {
  if (variants.length < 2) return { ready: false, note: '', pairs: [] };
  const short = variants.filter((v) => v.sent < MIN_SENT_PER_VARIANT);
  if (short.length > 0)
    return { ready: false, note: `not enough data yet: each variant needs ${MIN_SENT_PER_VARIANT} sent to compare reply rates`, pairs: [] };
  const best = [...variants].sort(
    (x, y) => (y.replyRate.value ?? 0) - (x.replyRate.value ?? 0) || x.variantId.localeCompare(y.variantId),
  )[0];
  if (!best) return { ready: false, note: '', pairs: [] };
  const pairs = variants
    .filter((v) => v !== best)
    .map((v) => {
      const { p, test } = compareRates(best.replyRate, v.replyRate);
      return { best: best.variantId, other: v.variantId, p, test, significant: p !== undefined && p < SIGNIFICANCE_LEVEL };
    });
  const parts = pairs.map((pair) =>
    pair.p === undefined
      ? `${pair.best} vs ${pair.other}: no difference to test`
      : `${pair.best} vs ${pair.other}: p = ${pair.p.toFixed(3)} (${pair.test === 'fisher' ? "Fisher's exact test" : 'z-test'}), ${pair.significant ? 'a real difference (5% level)' : 'could be chance'}`,
  );
  return { ready: true, note: `reply rate; ${parts.join('; ')}`, pairs };
}

/** Standard normal CDF through erf (Abramowitz–Stegun 7.1.26, error below 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
