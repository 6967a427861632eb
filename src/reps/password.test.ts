import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { hashingLoad, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { legacyPasswordHash } from './testing.ts';

describe('rep passwords', () => {
  it("stores scrypt at OWASP's parameters (N=2^17, r=8, p=1) with a fresh salt, and verifies only the right password", async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.match(a, /^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('', a), false);
    assert.equal(needsRehash(a), false);
  });

  it('verifies hashes stored with the old parameters (N=2^14) and marks them for a rehash', async () => {
    const old = legacyPasswordHash('correct horse battery');
    assert.equal(await verifyPassword('correct horse battery', old), true);
    assert.equal(await verifyPassword('wrong horse battery', old), false);
    assert.equal(needsRehash(old), true);
  });

  it('rejects malformed stored hashes, and parameters that would cost too much memory, instead of throwing', async () => {
    for (const stored of [
      '',
      'scrypt$x$8$1$c2FsdA==$aGFzaA==',
      'bcrypt$2$8$1$c2FsdA==$aGFzaA==',
      'scrypt$16384$8$1$c2FsdA==$',
      'scrypt$1048576$8$1$c2FsdA==$aGFzaA==',
    ]) {
      assert.equal(await verifyPassword('anything at all', stored), false, stored);
      assert.equal(needsRehash(stored), false, stored);
    }
  });

  it('computes at most two hashes at once: a burst of logins waits its turn instead of taking every libuv thread and 512 MiB', async () => {
    const stored = await hashPassword('correct horse battery');
    let busiest = 0;
    const watch = setInterval(() => (busiest = Math.max(busiest, hashingLoad().running)), 5);
    try {
      const verdicts = await Promise.all(Array.from({ length: 6 }, () => verifyPassword('correct horse battery', stored)));
      assert.deepEqual(verdicts, Array(6).fill(true));
    } finally {
      clearInterval(watch);
    }
    assert.equal(busiest, 2);
    assert.deepEqual(hashingLoad(), { running: 0, waiting: 0 });
  });
});
