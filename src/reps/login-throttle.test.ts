import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { LOGIN_FREE_FAILURES, LOGIN_MAX_DELAY_MS, loginDelayMs, newDeviceToken } from './login-throttle.ts';

describe('login backoff', () => {
  it('waits nothing for the first failures, then 1 s doubling, never more than 5 minutes', () => {
    assert.deepEqual(
      Array.from({ length: LOGIN_FREE_FAILURES }, (_, i) => loginDelayMs(i)),
      [0, 0, 0, 0, 0],
    );
    assert.deepEqual(
      [5, 6, 7, 8, 13].map((n) => loginDelayMs(n)),
      [1_000, 2_000, 4_000, 8_000, 256_000],
    );
    assert.equal(loginDelayMs(14), LOGIN_MAX_DELAY_MS);
    assert.equal(loginDelayMs(10_000), 5 * 60_000);
  });

  it('makes device tokens that name the account without its address, each with a fresh nonce', () => {
    const a = newDeviceToken('Carol@Parley.test ');
    const b = newDeviceToken('carol@parley.test');
    assert.equal(a.split('.')[0], b.split('.')[0]);
    assert.notEqual(a, b);
    assert.doesNotMatch(a, /carol/i);
  });
});
