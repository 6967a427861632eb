import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.ts';
import { settlementAfter } from './dispatcher.ts';

const SETTINGS = { baseMs: 30_000, maxMs: 3_600_000 };

describe('the webhook backoff schedule', () => {
  it('doubles from the base and stops at the cap; jitter stays in the upper half', () => {
    const top = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelay(n, SETTINGS, () => 1 - Number.EPSILON));
    assert.deepEqual(top, [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000]);
    const bottom = [1, 2, 3].map((n) => backoffDelay(n, SETTINGS, () => 0));
    assert.deepEqual(bottom, [15_000, 30_000, 60_000]);
    for (let i = 0; i < 100; i += 1) {
      const d = backoffDelay(3, SETTINGS);
      assert.ok(d >= 60_000 && d <= 120_000, `${d}`);
    }
  });

  it('a failed attempt is retried after the backoff, given up at the limit; a 2xx delivers', () => {
    const at = new Date('2026-12-05T12:00:00Z');
    const failed = { at, ok: false, status: 500, error: 'HTTP 500', durationMs: 3 };
    const retry = settlementAfter(2, 8, failed, SETTINGS, () => 0);
    assert.equal(retry.state, 'pending');
    assert.equal(retry.nextAttemptAt?.getTime(), at.getTime() + 30_000);
    assert.equal(settlementAfter(8, 8, failed, SETTINGS).state, 'given_up');
    assert.equal(settlementAfter(8, 8, { ...failed, ok: true, status: 204 }, SETTINGS).state, 'delivered');
  });
});
