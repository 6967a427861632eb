import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import nodemailer from 'nodemailer';
import { isParleyError } from '../errors.ts';
import { listUnsubscribeHeaders, unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './index.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const CONTACT = '6f1c2b9e-3d4a-4b8e-9c71-0a5d2e8f4b13';

describe('unsubscribe tokens', () => {
  it('round-trips a contact id through a URL-safe token, the same every time', () => {
    const token = unsubscribeToken(SECRET, CONTACT);
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(unsubscribeToken(SECRET, CONTACT), token);
    assert.equal(verifyUnsubscribeToken(SECRET, token), CONTACT);
    assert.equal(verifyUnsubscribeToken(SECRET, unsubscribeToken(SECRET, 'ünïcode id/with.dots')), 'ünïcode id/with.dots');
  });

  it('rejects a token signed with another key, for another contact, or altered', () => {
    const token = unsubscribeToken(SECRET, CONTACT);
    const [idPart = '', macPart = ''] = token.split('.');
    assert.equal(verifyUnsubscribeToken(`${SECRET}x`, token), undefined);
    const otherId = Buffer.from('someone-else').toString('base64url');
    assert.equal(verifyUnsubscribeToken(SECRET, `${otherId}.${macPart}`), undefined);
    const flipped = `${macPart.slice(0, 10)}${macPart[10] === 'A' ? 'B' : 'A'}${macPart.slice(11)}`;
    assert.equal(verifyUnsubscribeToken(SECRET, `${idPart}.${flipped}`), undefined);
  });

  it('rejects malformed tokens without throwing', () => {
    const token = unsubscribeToken(SECRET, CONTACT);
    const [idPart = '', macPart = ''] = token.split('.');
    for (const bad of [
      '',
      '.',
      token.replace('.', ''),
      `.${macPart}`,
      `${idPart}.`,
      `${idPart}.${macPart}=`,
      `${idPart}.${macPart.slice(2)}`,
      `${idPart}+.${macPart}`,
      `${token}.x`,
      `${'A'.repeat(600)}.${macPart}`,
    ]) {
      assert.equal(verifyUnsubscribeToken(SECRET, bad), undefined, bad);
    }
  });
});

describe('unsubscribeUrl', () => {
  it('puts the token under /u/ of the public base URL, keeping a path prefix', () => {
    const token = unsubscribeToken(SECRET, CONTACT);
    assert.equal(unsubscribeUrl('https://parley.example.com', SECRET, CONTACT), `https://parley.example.com/u/${token}`);
    assert.equal(unsubscribeUrl('https://parley.example.com/', SECRET, CONTACT), `https://parley.example.com/u/${token}`);
    assert.equal(unsubscribeUrl('https://example.com/parley', SECRET, CONTACT), `https://example.com/parley/u/${token}`);
  });
});

describe('listUnsubscribeHeaders', () => {
  const url = 'https://parley.example.com/u/abc.def';

  it('writes one List-Unsubscribe with both URIs and the RFC 8058 one-click header', () => {
    assert.deepEqual(listUnsubscribeHeaders({ mailto: 'unsubscribe@parley.example.com', url }), {
      'List-Unsubscribe': `<mailto:unsubscribe@parley.example.com?subject=unsubscribe>, <${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    assert.equal(
      listUnsubscribeHeaders({ mailto: 'mailto:reply+stop@parley.example.com', url })['List-Unsubscribe']?.startsWith(
        '<mailto:reply+stop@parley.example.com?',
      ),
      true,
    );
  });

  it('leaves out one-click for a plain http URL (RFC 8058 requires https)', () => {
    const headers = listUnsubscribeHeaders({ mailto: 'u@localhost.test', url: 'http://localhost:8080/u/x.y' });
    assert.equal(headers['List-Unsubscribe-Post'], undefined);
    assert.equal(headers['List-Unsubscribe'], '<mailto:u@localhost.test?subject=unsubscribe>, <http://localhost:8080/u/x.y>');
  });

  it('refuses values that could break out of the header', () => {
    for (const mailto of [
      'a@b.example>, <https://evil.example',
      'a@b.example\r\nBcc: x@evil.example',
      'a b@c.example',
      'a@b.example?body=x',
      'not-an-address',
    ]) {
      assert.throws(
        () => listUnsubscribeHeaders({ mailto, url }),
        (e: unknown) => isParleyError(e, 'CONFIG_INVALID'),
        mailto,
      );
    }
    assert.throws(
      () => listUnsubscribeHeaders({ mailto: 'a@b.example', url: 'javascript:alert(1)' }),
      (e: unknown) => isParleyError(e, 'CONFIG_INVALID'),
    );
    const encoded = listUnsubscribeHeaders({ mailto: 'a@b.example', url: 'https://x.example/u/a b>c\r\nBcc: y' })['List-Unsubscribe'] ?? '';
    assert.ok(encoded.endsWith(', <https://x.example/u/a%20b%3EcBcc:%20y>'), encoded);
  });

  it('goes out through nodemailer as one header line pair', async () => {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const long = `https://parley.example.com/u/${unsubscribeToken(SECRET, CONTACT)}`;
    const info = await transport.sendMail({
      from: 'sam@parley.example.com',
      to: 'anna@lead.example',
      subject: 'Hi',
      text: 'Hello',
      headers: listUnsubscribeHeaders({ mailto: 'unsubscribe@parley.example.com', url: long }),
    });
    const raw = Buffer.isBuffer(info.message) ? info.message.toString('utf8') : '';
    const head = raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
    const lines = head.split('\n');
    assert.deepEqual(
      lines.filter((l) => /^list-unsubscribe:/i.test(l)),
      [`List-Unsubscribe: <mailto:unsubscribe@parley.example.com?subject=unsubscribe>, <${long}>`],
    );
    assert.deepEqual(
      lines.filter((l) => /^list-unsubscribe-post:/i.test(l)),
      ['List-Unsubscribe-Post: List-Unsubscribe=One-Click'],
    );
  });
});
