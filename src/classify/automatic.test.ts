import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { AUTO_REPLY_FIXTURES, readFixtures, toReplyToClassify } from '../../test/support/real-mail.ts';
import { analyzeReply } from './analyze.ts';
import { detectAutomatic } from './automatic.ts';
import { replyOf } from './testing.ts';

const reply = replyOf;

const PERSON = 'Yes, let us talk on Thursday.';

describe('detectAutomatic: headers', () => {
  it('reads RFC 3834 Auto-Submitted, ignoring comments, and "no" means a person', () => {
    const auto = detectAutomatic(reply(PERSON, { headers: { 'auto-submitted': 'auto-replied (vacation)' } }));
    assert.equal(auto.isAutomatic, true);
    assert.deepEqual(auto.evidence, ['header Auto-Submitted: auto-replied', 'header Auto-Submitted: (vacation)']);
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
      'Your message has been received. A member of our team will be in touch shortly.',
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

describe('detectAutomatic: vacation responders and more languages (issue 15)', () => {
  const autoReplied = { 'auto-submitted': 'auto-replied' };

  it('reads the vacation traits of Sieve and Zimbra ("(vacation)") and iCloud (owner-email) as out-of-office', () => {
    for (const value of ['auto-replied (zimbra; vacation)', 'auto-replied; owner-email="anna@icloud.com"']) {
      const auto = detectAutomatic(reply('Thanks for your note.', { headers: { 'auto-submitted': value } }));
      assert.equal(auto.kind, 'out_of_office', value);
      assert.equal(auto.evidence[0], 'header Auto-Submitted: auto-replied', 'parameters stay out of the evidence');
    }
    // A receipt stays a receipt whatever the responder's header says.
    const receipt = detectAutomatic(
      reply('We have received your request #4411 and will respond within one business day.', {
        headers: { 'auto-submitted': 'auto-replied (vacation)' },
      }),
    );
    assert.equal(receipt.kind, 'auto_reply');
  });

  it('reads vendor headers: X-Autoreply-From, X-Autogenerated, X-FC-MachineGenerated, X-POST-MessageClass, X-Vacation, an Exchange auto-reply header', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'x-autoreply-from': 'anna@acme.com' }, 'header X-Autoreply-From'],
      [{ 'x-autogenerated': 'Reply' }, 'header X-Autogenerated'],
      [{ 'x-fc-machinegenerated': 'true' }, 'header X-FC-MachineGenerated'],
      [{ 'x-post-messageclass': '9; Autoresponder' }, 'header X-POST-MessageClass: Autoresponder'],
      [{ 'x-vacation': 'yes' }, 'header X-Vacation'],
      [{ 'x-ms-exchange-organization-autoreply': 'true' }, 'header x-ms-exchange-organization-autoreply'],
    ];
    for (const [headers, evidence] of cases) {
      const auto = detectAutomatic(reply('We got your message.', { headers }));
      assert.equal(auto.isAutomatic, true, evidence);
      assert.equal(auto.evidence[0], evidence);
    }
    assert.equal(detectAutomatic(reply(PERSON, { headers: { 'x-autogenerated': 'no' } })).isAutomatic, false);
    assert.equal(detectAutomatic(reply(PERSON, { headers: { 'x-ms-exchange-organization-antispoof': 'x' } })).isAutomatic, false);
  });

  it('takes Autoforwarded: true as a sign only beside another (RFC 2156)', () => {
    assert.equal(detectAutomatic(reply(PERSON, { headers: { autoforwarded: 'TRUE' } })).isAutomatic, false);
    const forwarded = detectAutomatic(reply('Ik ben op vakantie.', { headers: { autoforwarded: 'TRUE' } }));
    assert.equal(forwarded.kind, 'out_of_office');
  });

  it('out-of-office wording in Portuguese, Dutch, Danish, Swedish, Norwegian, Polish, Russian and Chinese', () => {
    const texts = [
      'Obrigado pela sua mensagem. Estou de férias até 20 de março.',
      'Ik ben afwezig tot en met 14 maart. Voor dringende zaken: Piet.',
      'Tak for din mail. Jeg er på ferie til og med den 16. marts.',
      'Tack för ditt mejl. Jag är på semester till och med 20 mars.',
      'Takk for e-posten. Jeg er fraværende frem til 16. mars.',
      'Dziękuję za wiadomość. Jestem poza biurem do 14 marca.',
      'Спасибо за письмо. Я в отпуске до 14 марта.',
      '我目前正在休假，3月12日之后回复您。',
      'Sono assente fino al 10 marzo.',
      "I'm at a trade show all week and will respond on my return.",
    ];
    for (const text of texts) assert.equal(detectAutomatic(reply(text)).kind, 'out_of_office', text);
  });

  it('out-of-office subjects in more languages, with the header of any responder', () => {
    for (const subject of [
      'Afwezigheidsmelding',
      'Fraværende: Hurtigt spørgsmål',
      'Frånvaro',
      'Poza biurem: Szybkie pytanie',
      'Ausente: Pergunta rápida',
      'Fuori sede',
      'Отсутствую',
      '不在のお知らせ',
      '休假中',
      'Absence du bureau',
      'Anna Berg is out of the office.',
      'Ferie',
    ]) {
      const auto = detectAutomatic(reply('Thanks.', { subject, headers: autoReplied }));
      assert.equal(auto.kind, 'out_of_office', subject);
    }
  });

  it("a return date alone says out-of-office in a message known to be automatic, not in a person's reply", () => {
    const returns = [
      'Zurück am 16. März.',
      'Je serai de nouveau disponible le 12.',
      'Volveré el lunes.',
      'Terug op maandag.',
      'Jeg er tilbage den 9.',
      'Jag är tillbaka den 16 mars.',
      'Wracam 14 marca.',
      'Вернусь 14 марта.',
      'Estarei de volta no dia 20.',
    ];
    for (const text of returns) {
      assert.equal(detectAutomatic(reply(text, { subject: 'Auto: Quick question', headers: autoReplied })).kind, 'out_of_office', text);
      assert.equal(detectAutomatic(reply(text)).isAutomatic, false, `a person: ${text}`);
    }
    // Nor is a person's "I'm on holiday next week" or "I'll get back to you" in these languages.
    const people = [
      'Jeg er på ferie i næste uge, men ja, lad os tale sammen.',
      'Estoy de vacaciones, pero sí, hablemos el martes.',
      'Wrócę do Pana w przyszłym tygodniu z odpowiedzią.',
      'Ik ben volgende week op vakantie, maar bel me gerust vandaag.',
      'Я вернусь к вам с ответом завтра.',
    ];
    for (const text of people) assert.equal(detectAutomatic(reply(text)).isAutomatic, false, text);
  });
});

describe('auto-reply fixtures of each server and language (test/fixtures/auto-replies)', async () => {
  // kind, and the return date read from the text (undefined: none named).
  const expected: Record<string, [string, string | undefined]> = {
    'challenge-response-en.eml': ['auto_reply', undefined],
    'cpanel-autoresponder-no.eml': ['out_of_office', '2026-03-16'],
    'dovecot-vacation-de-default-subject.eml': ['out_of_office', '2027-01-13'],
    'dovecot-vacation.eml': ['out_of_office', '2027-01-13'],
    'exchange-oof-it.eml': ['out_of_office', '2026-04-02'],
    'exchange-oof-ja.eml': ['out_of_office', '2026-03-12'],
    'exchange-oof-pl.eml': ['out_of_office', '2026-03-14'],
    'exchange-oof-sv.eml': ['out_of_office', '2026-05-04'],
    'freshdesk-receipt-nl.eml': ['auto_reply', undefined],
    'exmail-autoreply-zh.eml': ['out_of_office', '2026-03-12'],
    'gmail-vacation-es.eml': ['out_of_office', '2026-03-09'],
    'icloud-vacation-nl.eml': ['out_of_office', '2026-03-13'],
    'lotus-notes-de.eml': ['out_of_office', '2026-03-16'],
    'outlook-automatic-reply.eml': ['out_of_office', '2025-01-13'],
    'roundcube-vacation-pt.eml': ['out_of_office', '2026-03-20'],
    'sieve-vacation-da.eml': ['out_of_office', '2026-03-16'],
    'yandex-autoreply-ru.eml': ['out_of_office', '2026-03-16'],
    'zimbra-vacation-fr.eml': ['out_of_office', '2026-03-16'],
  };
  const fixtures = await readFixtures(AUTO_REPLY_FIXTURES);
  it('has an expectation for every fixture', () => {
    assert.deepEqual(fixtures.map((f) => f.name).sort(), Object.keys(expected).sort());
  });
  for (const { name, raw } of fixtures) {
    it(name, async () => {
      const analysis = analyzeReply(await toReplyToClassify(raw));
      const [kind, back] = expected[name] ?? [];
      assert.equal(analysis.classification.intent, kind, analysis.classification.explanation);
      assert.equal(analysis.returnDate?.toISOString().slice(0, 10), back);
    });
  }
});
