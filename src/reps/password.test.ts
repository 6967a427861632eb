import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from './password.ts';

describe('rep passwords', () => {
  it('stores scrypt with its parameters and a fresh salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    for (const stored of ['', 'scrypt$x$8$1$c2FsdA==$aGFzaA==', 'bcrypt$2$8$1$c2FsdA==$aGFzaA==', 'scrypt$16384$8$1$c2FsdA==$']) {
      assert.equal(await verifyPassword('anything at all', stored), false, stored);
    }
  });
});
