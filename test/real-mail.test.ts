// Mail that real software writes, generated here for real: Dovecot's rejections (an RFC 3464 DSN
// when the mailbox is over quota, an RFC 5429 MDN for a Sieve `reject`) and Pigeonhole's RFC 3834
// vacation replies. Each is read back with the same code as the fixtures, so a Dovecot upgrade
// that changes its format fails here. PARLEY_WRITE_FIXTURES=1 also saves what was generated as
// the fixtures in test/fixtures/ (then review the diff).
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectBounce } from '../src/classify/bounce.ts';
import type { ReceivedMail } from '../src/embedded/smtp-sink.ts';
import { AUTO_REPLY_FIXTURES, BOUNCE_FIXTURES, outreachMessage, toReplyToClassify, whatDovecotSendsBack } from './support/real-mail.ts';

const ENVELOPE_FROM = 'bounces@parley.example';
const writeFixtures = process.env['PARLEY_WRITE_FIXTURES'] === '1';

async function keep(folder: string, name: string, mail: ReceivedMail): Promise<void> {
  if (writeFixtures) await writeFile(join(folder, name), mail.raw);
}

function only(mails: readonly ReceivedMail[]): ReceivedMail {
  assert.equal(mails.length, 1, 'Dovecot sent exactly one message');
  return mails[0]!;
}

describe('what Dovecot sends back (dovecot-lda, Pigeonhole Sieve)', () => {
  it('over quota: an RFC 3464 DSN, Status 5.2.2, to the envelope sender, read as a soft bounce', async () => {
    const messageId = '<step1.quota-4e1f@parley.example>';
    const mail = only(
      await whatDovecotSendsBack(outreachMessage({ to: 'rep@example.test', messageId }) + 'x'.repeat(4000), {
        quotaStorage: '1K',
        envelopeFrom: ENVELOPE_FROM,
      }),
    );
    assert.equal(mail.envelopeFrom, '', 'null envelope sender (RFC 5321 §4.5.5), so bounces never loop');
    assert.deepEqual(mail.envelopeTo, [ENVELOPE_FROM]);
    const reply = await toReplyToClassify(mail.raw);
    assert.equal(reply.contentType, 'multipart/report');
    assert.match(reply.headers['content-type'] ?? '', /report-type=delivery-status/);
    assert.equal(reply.fromAddress, 'postmaster@example.test');
    assert.match(reply.subject, /^Rejected: /);
    assert.equal(reply.headers['auto-submitted'], 'auto-replied (rejected)');
    assert.deepEqual(
      reply.reportParts?.map((p) => p.contentType),
      ['message/delivery-status', 'message/rfc822'],
    );
    assert.deepEqual(detectBounce(reply), {
      kind: 'soft',
      status: '5.2.2',
      diagnostic: 'Quota exceeded (mailbox for user is full)',
      recipient: 'rep@example.test',
      originalMessageId: messageId,
      action: 'failed',
      source: 'dsn',
      reason: 'mailbox_full',
    });
    await keep(BOUNCE_FIXTURES, 'dovecot-5.2.2-quota-exceeded.eml', mail);
  });

  it('Sieve reject: an RFC 5429 MDN (disposition "deleted"), not a DSN, read as a hard bounce', async () => {
    const messageId = '<step2.reject-91c0@parley.example>';
    const mail = only(
      await whatDovecotSendsBack(outreachMessage({ to: 'rep@example.test', messageId }), {
        sieveScript: 'require "reject";\nreject "Dana Lead no longer works here. Please write to office@example.test.";\n',
        envelopeFrom: ENVELOPE_FROM,
      }),
    );
    assert.equal(mail.envelopeFrom, '');
    const reply = await toReplyToClassify(mail.raw);
    assert.match(reply.headers['content-type'] ?? '', /report-type=disposition-notification/);
    assert.deepEqual(
      reply.reportParts?.map((p) => p.contentType),
      ['message/disposition-notification', 'message/rfc822'],
    );
    assert.match(reply.reportParts?.[0]?.content.toString() ?? '', /^Disposition: automatic-action\/MDN-sent-automatically; deleted\r?$/m);
    assert.deepEqual(detectBounce(reply), {
      kind: 'hard',
      status: undefined,
      diagnostic: 'Dana Lead no longer works here. Please write to office@example.test.',
      recipient: 'rep@example.test',
      originalMessageId: messageId,
      action: 'failed',
      source: 'mdn',
      reason: 'has_moved',
    });
    await keep(BOUNCE_FIXTURES, 'dovecot-sieve-reject-mdn.eml', mail);
  });

  it('Sieve vacation: an RFC 3834 auto-reply to the envelope sender, threaded, never a bounce', async () => {
    const messageId = '<step1.vacation-27d5@parley.example>';
    const mail = only(
      await whatDovecotSendsBack(outreachMessage({ to: 'rep@example.test', messageId }), {
        sieveScript: [
          'require ["vacation", "vacation-seconds"];',
          'vacation :seconds 1 :subject "Out of office until Monday 13 January"',
          '  :addresses ["rep@example.test"]',
          '"I am out of the office until Monday 13 January with limited access to email.',
          'For anything urgent, please contact Alex Doe (alex@example.test).";',
          '',
        ].join('\n'),
        envelopeFrom: ENVELOPE_FROM,
      }),
    );
    // RFC 3834 §3.1.2-§3.1.3: replies go to the envelope sender (Return-Path), not to From.
    assert.equal(mail.envelopeFrom, '');
    assert.deepEqual(mail.envelopeTo, [ENVELOPE_FROM]);
    const reply = await toReplyToClassify(mail.raw);
    assert.equal(reply.headers['auto-submitted'], 'auto-replied (vacation)');
    assert.equal(reply.headers['precedence'], 'bulk');
    assert.equal(reply.headers['x-auto-response-suppress'], 'All');
    assert.equal(reply.headers['in-reply-to'], messageId);
    assert.equal(reply.headers['references'], messageId);
    assert.equal(reply.fromAddress, 'rep@example.test');
    assert.equal(reply.subject, 'Out of office until Monday 13 January');
    assert.equal(detectBounce(reply), undefined);
    await keep(AUTO_REPLY_FIXTURES, 'dovecot-vacation.eml', mail);
  });

  it('Sieve vacation with a default subject and non-ASCII text: "Auto: <subject>", UTF-8 body', async () => {
    const messageId = '<step1.vacation-de-5b8a@parley.example>';
    const mail = only(
      await whatDovecotSendsBack(outreachMessage({ to: 'rep@example.test', messageId }), {
        sieveScript: [
          'require ["vacation", "vacation-seconds"];',
          'vacation :seconds 1 :addresses ["rep@example.test"]',
          '"Vielen Dank für Ihre Nachricht. Ich bin bis zum 13.01. nicht im Büro und habe keinen Zugriff auf meine E-Mails.";',
          '',
        ].join('\n'),
        envelopeFrom: ENVELOPE_FROM,
      }),
    );
    const reply = await toReplyToClassify(mail.raw);
    assert.equal(reply.headers['auto-submitted'], 'auto-replied (vacation)');
    assert.equal(reply.subject, 'Auto: Quick question about your hiring');
    assert.match(reply.fullText ?? '', /nicht im Büro/);
    assert.equal(detectBounce(reply), undefined);
    await keep(AUTO_REPLY_FIXTURES, 'dovecot-vacation-de-default-subject.eml', mail);
  });

  it('Sieve vacation stays silent for mail marked bulk (List-Unsubscribe), so such sends get no out-of-office', async () => {
    const sieveScript = 'require ["vacation", "vacation-seconds"];\nvacation :seconds 1 :addresses ["rep@example.test"] "Away.";\n';
    const raw = outreachMessage({
      to: 'rep@example.test',
      messageId: '<step1.bulk-0c3e@parley.example>',
      extraHeaders: { 'List-Unsubscribe': '<mailto:unsubscribe@parley.example?subject=unsubscribe>' },
    });
    assert.deepEqual(await whatDovecotSendsBack(raw, { sieveScript, envelopeFrom: ENVELOPE_FROM }), []);
    // The same message without the header gets its reply: the silence above is the header's doing.
    const plain = outreachMessage({ to: 'rep@example.test', messageId: '<step1.plain-0c3f@parley.example>' });
    assert.equal((await whatDovecotSendsBack(plain, { sieveScript, envelopeFrom: ENVELOPE_FROM })).length, 1);
  });
});
