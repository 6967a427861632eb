import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './signing.ts';

const SECRET = 'a'.repeat(40);
const BODY = '{"id":"evt_1","type":"interested"}';
const AT = new Date('2026-12-05T12:00:00Z');

describe('webhook signatures', () => {
  it('sign t.body with HMAC-SHA256, the time in whole seconds', () => {
    const header = signatureHeader(SECRET, BODY, AT);
    const t = AT.getTime() / 1000;
    assert.equal(header, `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${BODY}`).digest('hex')}`);
  });

  it('verify within the tolerance, and refuse another body, another secret, an old time or garbage', () => {
    const header = signatureHeader(SECRET, BODY, AT);
    assert.deepEqual(verifySignature(SECRET, header, BODY, new Date(AT.getTime() + 299_000)), { ok: true });
    assert.deepEqual(verifySignature(SECRET, header, `${BODY} `, AT), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifySignature('b'.repeat(40), header, BODY, AT), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifySignature(SECRET, header, BODY, new Date(AT.getTime() + 301_000)), { ok: false, reason: 'too_old' });
    assert.deepEqual(verifySignature(SECRET, 'v1=abc', BODY, AT), { ok: false, reason: 'malformed' });
    // A replay re-dated with the old signature fails: the time is signed too.
    const v1 = header.split('v1=')[1] ?? '';
    assert.deepEqual(verifySignature(SECRET, `t=${AT.getTime() / 1000 + 60},v1=${v1}`, BODY, AT), { ok: false, reason: 'mismatch' });
  });
});
