import { nearestRank } from './rates.ts';
import type { ResponseBucket, ResponseTimes } from './types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Upper bounds (exclusive) of the histogram's buckets, in milliseconds; the last bucket is open. */
export const RESPONSE_BUCKETS: ReadonlyArray<{ bucket: ResponseBucket; belowMs: number }> = [
  { bucket: '<5m', belowMs: 5 * MINUTE },
  { bucket: '<30m', belowMs: 30 * MINUTE },
  { bucket: '<2h', belowMs: 2 * HOUR },
  { bucket: '<8h', belowMs: 8 * HOUR },
  { bucket: '<24h', belowMs: 24 * HOUR },
  { bucket: '≥24h', belowMs: Number.POSITIVE_INFINITY },
];

export function bucketOf(ms: number): ResponseBucket {
  return (RESPONSE_BUCKETS.find((b) => ms < b.belowMs) ?? { bucket: '≥24h' }).bucket;
}

/** Median, 90th percentile (nearest rank) and histogram of response times in milliseconds. */
export function summarizeResponseTimes(values: readonly number[]): ResponseTimes {
  const sorted = [...values].sort((a, b) => a - b);
  const counts = new Map<ResponseBucket, number>();
  for (const ms of sorted) counts.set(bucketOf(ms), (counts.get(bucketOf(ms)) ?? 0) + 1);
  return {
    answered: sorted.length,
    medianMs: nearestRank(sorted, 0.5),
    p90Ms: nearestRank(sorted, 0.9),
    histogram: RESPONSE_BUCKETS.map(({ bucket }) => ({ bucket, count: counts.get(bucket) ?? 0 })),
  };
}
