import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { isParleyError } from '../errors.ts';
import { parseInboundMessage, requireSender } from './inbound-message.ts';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('parseInboundMessage', () => {
  it('reads the thread headers, normalising one reference and several alike', async () => {
    const one = await parseInboundMessage(
      crlf([
        'From: Pat <PAT@Lead.Example>',
        'Subject: Re: hi',
        'Message-ID: <r1@lead>',
        'In-Reply-To: <a@parley>',
        'References: <a@parley>',
        '',
        'Sure.',
      ]),
    );
    assert.equal(one.from, 'pat@lead.example');
    assert.deepEqual(one.references, ['<a@parley>']);
    assert.equal(one.inReplyTo, '<a@parley>');
    const several = await parseInboundMessage(crlf(['From: pat@lead.example', 'References: <a@parley>', ' <b@parley>', '', 'Sure.']));
    assert.deepEqual(several.references, ['<a@parley>', '<b@parley>']);
    assert.equal(several.messageId, undefined);
    assert.equal(several.sourceHash.length, 64);
  });

  it('keeps headers lower-cased and unfolded, and the top-level content type', async () => {
    const message = await parseInboundMessage(
      crlf([
        'From: mailer-daemon@mx.example',
        'Auto-Submitted: auto-replied',
        '  (vacation)',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Delivery failed.',
        '--b--',
      ]),
    );
    assert.equal(message.headers['auto-submitted'], 'auto-replied (vacation)');
    assert.equal(message.contentType, 'multipart/report');
  });

  it('drops NUL characters, which MongoDB-compatible stores refuse', async () => {
    const message = await parseInboundMessage(crlf(['From: a@b.example', 'Subject: x\0y', '', 'hello\0 there']));
    assert.equal(message.subject, 'xy');
    assert.equal(message.text?.trim(), 'hello there');
  });

  it('reads a message from the null sender, and lets only a delivery report through without one', async () => {
    for (const from of ['From: MAILER-DAEMON <>', 'From: <>', 'From: Postmaster', undefined]) {
      const message = await parseInboundMessage(crlf([...(from ? [from] : []), 'Subject: Undelivered Mail', '', 'body']));
      assert.equal(message.from, '', String(from));
      assert.doesNotThrow(() => requireSender(message, true));
      assert.throws(
        () => requireSender(message, false),
        (error: unknown) => isParleyError(error, 'MESSAGE_MALFORMED'),
      );
    }
  });
});
