import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { detectAutomatic } from './automatic.ts';
import { replyOf } from './testing.ts';

const reply = replyOf;

const PERSON = 'Yes, let us talk on Thursday.';

describe('detectAutomatic: headers', () => {
  it('reads RFC 3834 Auto-Submitted, ignoring comments, and "no" means a person', () => {
    const auto = detectAutomatic(reply(PERSON, { headers: { 'auto-submitted': 'auto-replied (vacation)' } }));
    assert.equal(auto.isAutomatic, true);
    assert.deepEqual(auto.evidence, ['header Auto-Submitted: auto-replied']);
    for (const value of ['no', 'No (sent by a person)', ' no ']) {
      assert.equal(detectAutomatic(reply(PERSON, { headers: { 'auto-submitted': value } })).isAutomatic, false, value);
    }
  });

  it('reads X-Autoreply, X-Autorespond, Precedence auto_reply/bulk/junk and an empty Return-Path', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'x-autoreply': 'yes' }, 'header X-Autoreply'],
      [{ 'x-autorespond': 'Thank you' }, 'header X-Autorespond'],
      [{ precedence: 'auto_reply' }, 'header Precedence: auto_reply'],
      [{ precedence: 'Bulk' }, 'header Precedence: bulk'],
      [{ precedence: 'junk' }, 'header Precedence: junk'],
      [{ 'return-path': '<>' }, 'header Return-Path: <>'],
      [
        { 'x-ms-exchange-generated-message-source': 'Mailbox Rules Agent' },
        'header X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent',
      ],
      [{ 'x-ms-exchange-inbox-rules-loop': 'anna@acme.com' }, 'header X-MS-Exchange-Inbox-Rules-Loop'],
    ];
    for (const [headers, evidence] of cases) {
      const auto = detectAutomatic(reply('We got your message.', { headers }));
      assert.equal(auto.isAutomatic, true, evidence);
      assert.deepEqual(auto.evidence, [evidence]);
    }
  });

  it('ignores Precedence: list and ordinary Return-Paths', () => {
    const personal: Array<Record<string, string>> = [{ precedence: 'list' }, { 'return-path': '<anna@acme.com>' }, { 'x-autoreply': 'no' }];
    for (const headers of personal) {
      assert.equal(detectAutomatic(reply(PERSON, { headers })).isAutomatic, false, JSON.stringify(headers));
    }
  });

  it('takes X-Auto-Response-Suppress only together with another sign (Outlook sets it on normal mail too)', () => {
    const alone = detectAutomatic(reply(PERSON, { headers: { 'x-auto-response-suppress': 'All' } }));
    assert.equal(alone.isAutomatic, false);
    const withSubject = detectAutomatic(
      reply('Back on the 12th.', { subject: 'Automatic reply: Quick question', headers: { 'x-auto-response-suppress': 'All' } }),
    );
    assert.equal(withSubject.isAutomatic, true);
    assert.deepEqual(withSubject.evidence, ['subject "Automatic reply"', 'header X-Auto-Response-Suppress: All']);
    // It lets out-of-office wording count that a person might also write.
    const withWording = detectAutomatic(reply('I am travelling this week.', { headers: { 'x-auto-response-suppress': 'All' } }));
    assert.equal(withWording.kind, 'out_of_office');
    assert.equal(detectAutomatic(reply('I am travelling this week.')).isAutomatic, false);
  });
});

describe('detectAutomatic: out_of_office vs auto_reply', () => {
  it('out-of-office wording in English, German, French, Spanish, Italian and Japanese', () => {
    const texts = [
      'Thank you for your email. I am currently on parental leave.',
      'I will be away until the 14th with no access to email.',
      'Vielen Dank. Ich bin bis 12. Mai nicht im Büro.',
      'Ich bin vom 3. bis 14. März im Urlaub.',
      'Je suis absente du bureau jusqu’au 3 juin.',
      'Estaré fuera de la oficina hasta el 15 de marzo.',
      'Sono fuori ufficio fino al 10 marzo.',
      'ただいま休暇中のため、3月10日以降に返信いたします。',
    ];
    for (const text of texts) {
      const auto = detectAutomatic(reply(text));
      assert.equal(auto.kind, 'out_of_office', text);
      assert.equal(auto.classification?.intent, 'out_of_office');
      assert.equal(auto.classification?.confidence, 0.9, 'wording without headers is not certain');
    }
  });

  it('out-of-office subjects of Exchange in several languages; certain with a header', () => {
    for (const subject of [
      'Automatic reply: Quick question',
      'Abwesenheitsnotiz: Kurze Frage',
      'Réponse automatique : Petite question',
      'Respuesta automática: Pregunta',
      'Out of Office: Quick question',
      '自動返信: ご相談',
      'Автоответ: Быстрый вопрос',
      'Автоматический ответ: Быстрый вопрос',
      'Автовідповідь: Швидке питання',
      'Automatyczna odpowiedź: Szybkie pytanie',
      'Automatiskt svar: Snabb fråga',
      'Automatisk svar: Hurtigt spørgsmål',
      '自动回复: 快速问题',
      'OOO: Quick question',
    ]) {
      const auto = detectAutomatic(reply('Back on Monday.', { subject, headers: { 'auto-submitted': 'auto-replied' } }));
      assert.equal(auto.classification?.intent, 'out_of_office', subject);
    }
    const certain = detectAutomatic(reply('I am out of the office until Monday.', { headers: { 'auto-submitted': 'auto-replied' } }));
    assert.equal(certain.classification?.confidence, 1);
  });

  it('ticket receipts, unmonitored mailboxes and challenge-response are auto_reply', () => {
    const texts = [
      'Thank you for contacting Acme. We have received your request #1234 and will respond within 24 hours.',
      'Your ticket has been created. Ticket number: 10293.',
      'This is an automated response. Please do not reply to this email.',
      'This mailbox is not monitored. Please use our contact form.',
      'Please verify you are human by clicking the link below so your message can be delivered.',
      'Wir haben Ihre Anfrage erhalten. Ihre Ticketnummer lautet 55231.',
      'Nous avons bien reçu votre message et vous répondrons rapidement.',
      'Hemos recibido su solicitud y le responderemos en breve.',
      'Dieses Postfach wird nicht überwacht.',
    ];
    for (const text of texts) {
      const auto = detectAutomatic(reply(text));
      assert.equal(auto.classification?.intent, 'auto_reply', text);
    }
  });

  it('a header without any wording is an auto_reply with less confidence', () => {
    const auto = detectAutomatic(reply('Thanks, I will get back to you soon.', { headers: { 'auto-submitted': 'auto-generated' } }));
    assert.equal(auto.classification?.intent, 'auto_reply');
    assert.equal(auto.classification?.confidence, 0.8);
    assert.match(auto.classification?.explanation ?? '', /^rule auto_reply: automatic \(header Auto-Submitted: auto-generated\)$/);
  });

  it('an automatic notice that the person left is wrong_person', () => {
    const auto = detectAutomatic(
      reply('Anna is no longer with Acme. Please contact John Smith (john@acme.com).', { headers: { 'auto-submitted': 'auto-replied' } }),
    );
    assert.equal(auto.kind, 'left_company');
    assert.equal(auto.classification?.intent, 'wrong_person');
    // A person writing the same is left to the model.
    assert.equal(detectAutomatic(reply('I have left the company, contact John Smith.')).isAutomatic, false);
  });

  it('does not take a person for a program', () => {
    const people = [
      'I was on vacation last week, but yes, let us talk.',
      "I'm travelling this week but yes, Tuesday works.",
      'Our team will get back to you with questions.',
      'We received your email and my boss likes it. Can we talk?',
      'Can you confirm your email address is the best one for the invite?',
    ];
    for (const text of people) assert.equal(detectAutomatic(reply(text)).isAutomatic, false, text);
    // Our own subject, quoted after "Re:", may say anything.
    assert.equal(detectAutomatic(reply(PERSON, { subject: 'Re: Out of office coverage for your support team' })).isAutomatic, false);
  });
});
