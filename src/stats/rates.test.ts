import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { formatDay, formatDuration, formatRate } from './format.ts';
import { nearestRank, rate } from './rates.ts';
import { bucketOf, summarizeResponseTimes } from './response-times.ts';

describe('rates and percentiles', () => {
  it('has no rate without a denominator', () => {
    assert.deepEqual(rate(0, 0), { count: 0, of: 0, value: undefined });
    assert.deepEqual(rate(1, 4), { count: 1, of: 4, value: 0.25 });
  });

  it('takes the nearest rank: the ⌈p·n⌉-th smallest value, never an interpolation', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(nearestRank(ten, 0.5), 5);
    assert.equal(nearestRank(ten, 0.9), 9);
    assert.equal(nearestRank([7], 0.9), 7);
    assert.equal(nearestRank([1, 100], 0.5), 1);
    assert.equal(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9), 10, '⌈9.9⌉ = 10th');
    assert.equal(nearestRank([], 0.5), undefined);
  });

  it('buckets response times at their bounds (the bound itself falls in the next bucket)', () => {
    const m = 60_000;
    assert.deepEqual([0, 5 * m - 1, 5 * m, 30 * m, 120 * m, 480 * m, 1440 * m - 1, 1440 * m].map(bucketOf), [
      '<5m',
      '<5m',
      '<30m',
      '<2h',
      '<8h',
      '<24h',
      '<24h',
      '≥24h',
    ]);
    const summary = summarizeResponseTimes([30 * m, 1 * m, 3000 * m]);
    assert.deepEqual([summary.answered, summary.medianMs, summary.p90Ms], [3, 30 * m, 3000 * m]);
    assert.deepEqual(
      summary.histogram.map((b) => b.count),
      [1, 0, 1, 0, 0, 1],
    );
  });

  it('formats rates, durations and days for people', () => {
    assert.equal(formatRate(rate(1, 6)), '16.7%');
    assert.equal(formatRate(rate(0, 0)), '–');
    assert.deepEqual([45_000, 12 * 60_000, 185 * 60_000, 50 * 3_600_000, undefined].map(formatDuration), [
      '45s',
      '12m',
      '3h 05m',
      '2d 2h',
      '–',
    ]);
    assert.equal(formatDay(new Date('2026-03-01T00:00:00Z')), '2026-03-01');
    assert.equal(formatDay(new Date('2026-03-01T14:30:00Z')), '2026-03-01 14:30 UTC');
  });
});
