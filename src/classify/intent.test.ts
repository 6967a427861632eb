import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TRAINING_CORPUS } from './corpus.ts';
import { classifyReply, type Intent, type ReplyToClassify } from './index.ts';
import { CONFIDENCE_THRESHOLD } from './intent.ts';

function reply(visibleText: string, over: Partial<ReplyToClassify> = {}): ReplyToClassify {
  return {
    subject: 'Re: Quick question about your outbound',
    visibleText,
    headers: {},
    fromAddress: 'anna@acme.com',
    contentType: 'text/plain',
    ...over,
  };
}

describe('classifyReply rules', () => {
  it('bounce: a delivery status notification, a mailer-daemon sender, a bounce subject', () => {
    const dsn = classifyReply(
      reply('', {
        contentType: 'multipart/report',
        headers: { 'content-type': 'multipart/report; report-type=delivery-status; boundary="b1"' },
      }),
    );
    assert.deepEqual(dsn, { intent: 'bounce', confidence: 1, explanation: 'rule bounce: multipart/report delivery-status notification' });
    assert.equal(classifyReply(reply('Your message could not be delivered', { fromAddress: 'mailer-daemon@mx.acme.com' })).intent, 'bounce');
    assert.match(classifyReply(reply('', { fromAddress: 'postmaster@acme.com' })).explanation, /^rule bounce: sent by postmaster/);
    for (const subject of ['Undelivered Mail Returned to Sender', 'Delivery Status Notification (Failure)', 'Mail delivery failed: returning message to sender']) {
      assert.equal(classifyReply(reply('', { subject })).intent, 'bounce', subject);
    }
  });

  it('bounce: a read receipt is multipart/report too, but not a bounce', () => {
    const receipt = reply('Your message was read.', {
      contentType: 'multipart/report',
      headers: { 'content-type': 'multipart/report; report-type=disposition-notification' },
    });
    assert.notEqual(classifyReply(receipt).intent, 'bounce');
    assert.notEqual(classifyReply(reply('', { subject: 'Delivery Status Notification (Delay)' })).intent, 'bounce');
  });

  it('out_of_office: auto-reply headers with out-of-office wording are certain', () => {
    const result = classifyReply(
      reply('I am out of the office until Monday.', {
        subject: 'Automatic reply: Quick question',
        headers: { 'auto-submitted': 'auto-replied (vacation)' },
      }),
    );
    assert.equal(result.intent, 'out_of_office');
    assert.equal(result.confidence, 1);
    assert.match(result.explanation, /^rule out_of_office: header auto-submitted: auto-replied and "/);
  });

  it('out_of_office: wording alone, in English, German, French and Spanish', () => {
    const cases: Array<[string, string]> = [
      ['Thank you for your email. I am currently on parental leave.', 'Re: Quick question'],
      ['I will be away until the 14th with no access to email.', 'Re: Quick question'],
      ['Vielen Dank. Ich bin bis 12. Mai nicht im Büro.', 'Abwesenheitsnotiz: Quick question'],
      ['Je suis absente du bureau jusqu’au 3 juin.', 'Réponse automatique : Quick question'],
      ['Estoy de vacaciones hasta el lunes.', 'Re: Quick question'],
    ];
    for (const [text, subject] of cases) {
      const result = classifyReply(reply(text, { subject }));
      assert.equal(result.intent, 'out_of_office', text);
      assert.ok(result.confidence < 1, 'wording without headers is not certain');
    }
  });

  it('out_of_office: auto-reply headers without wording still count, "auto-submitted: no" does not', () => {
    const automatic: Array<Record<string, string>> = [
      { 'auto-submitted': 'auto-generated' },
      { 'x-autoreply': 'yes' },
      { 'x-autorespond': '1' },
      { precedence: 'bulk' },
    ];
    for (const headers of automatic) {
      const result = classifyReply(reply('We received your message and will get back to you.', { headers }));
      assert.equal(result.intent, 'out_of_office', JSON.stringify(headers));
      assert.match(result.explanation, /no out-of-office wording/);
    }
    const personal: Array<Record<string, string>> = [
      { 'auto-submitted': 'no' },
      { 'auto-submitted': 'No (sent by a person)' },
      { precedence: 'list' },
    ];
    for (const headers of personal) {
      assert.notEqual(classifyReply(reply('Yes, let us talk on Thursday.', { headers })).intent, 'out_of_office');
    }
  });

  it('out_of_office: a person mentioning a past holiday is not an auto-reply', () => {
    assert.notEqual(classifyReply(reply('I was on vacation last week, but yes, let us talk.')).intent, 'out_of_office');
  });

  it('unsubscribe: explicit wording in four languages', () => {
    const positives = [
      'Unsubscribe',
      'unsubscribe me please',
      'Please remove me from your list.',
      'Stop emailing me.',
      'STOP',
      'Stop.',
      'Take me off your mailing list.',
      "Don't contact me again.",
      'Do not email me.',
      'Bitte abmelden.',
      'Ich möchte keine E-Mails mehr bekommen.',
      'Merci de me désinscrire.',
      'Je ne veux plus recevoir vos messages.',
      'Quiero darme de baja.',
      'No me escribas más.',
    ];
    for (const text of positives) {
      const result = classifyReply(reply(text));
      assert.equal(result.intent, 'unsubscribe', text);
      assert.match(result.explanation, /^rule unsubscribe: "/);
    }
    assert.equal(classifyReply(reply('', { subject: 'unsubscribe' })).intent, 'unsubscribe');
  });

  it('unsubscribe: the exact subject a List-Unsubscribe mailto link sends decides alone', () => {
    for (const subject of ['unsubscribe', 'UNSUBSCRIBE', '  Unsubscribe \t']) {
      for (const text of ['', 'Sent from my iPhone', 'This message was automatically generated by Gmail.', "Don't stop emailing me"]) {
        assert.deepEqual(
          classifyReply(reply(text, { subject })),
          { intent: 'unsubscribe', confidence: 1, explanation: 'rule unsubscribe: subject "unsubscribe" (List-Unsubscribe mailto)' },
          `${subject} / ${text}`,
        );
      }
    }
    for (const subject of ['Unsubscribe link is broken?', 'How do I unsubscribe my team?', 'unsubscribed', 'unsubscribe-me']) {
      assert.notEqual(classifyReply(reply('Can we book a demo on Thursday?', { subject })).intent, 'unsubscribe', subject);
    }
  });

  it('unsubscribe: near misses do not match', () => {
    const negatives = [
      "Don't stop emailing me, this is great.",
      'Please do not stop sending these, they are useful.',
      'Can we stop by your office next week?',
      'I will stop by your booth at the conference.',
      'We want to stop using spreadsheets for this. Can you show me how?',
      'Stop me if you have heard this one: we need a demo.',
      'Please remove me from the cc, Bob owns this.',
      'Is there a way to stop the sequence once someone replies?',
    ];
    for (const text of negatives) assert.notEqual(classifyReply(reply(text)).intent, 'unsubscribe', text);
  });

  it('checks rules in order: an auto-reply quoting an unsubscribe footer is out_of_office', () => {
    const text = 'I am out of the office until Friday.\n\nTo unsubscribe from these notices, click here.';
    assert.equal(classifyReply(reply(text, { headers: { 'auto-submitted': 'auto-replied' } })).intent, 'out_of_office');
  });
});

describe('classifyReply model', () => {
  it('explains a model decision with its confidence and the words that carried it', () => {
    const result = classifyReply(reply('Yes, can we book a demo for Thursday?'));
    assert.equal(result.intent, 'interested');
    assert.ok(result.confidence >= CONFIDENCE_THRESHOLD && result.confidence <= 1);
    assert.match(result.explanation, /^model: interested \(\d\.\d\d\); strongest words: \S/);
    assert.match(result.explanation, /demo/);
  });

  it('returns unclear for empty text and gibberish', () => {
    assert.deepEqual(classifyReply(reply('')), { intent: 'unclear', confidence: 1, explanation: 'empty reply: no words of its own' });
    assert.equal(classifyReply(reply('   \n ')).intent, 'unclear');
    for (const text of ['asdf qwer zxcv', 'lorem ipsum dolor sit amet', '12345 !!!']) {
      assert.equal(classifyReply(reply(text)).intent, 'unclear', text);
    }
  });

  it('returns unclear with the best guess when the model is unsure', () => {
    const result = classifyReply(reply('ok'));
    assert.equal(result.intent, 'unclear');
    assert.ok(result.confidence < CONFIDENCE_THRESHOLD);
    assert.match(result.explanation, /^model unsure: best guess \w+ \(0\.\d\d\), threshold 0\.5$/);
  });

  it('gives the same answer for the same reply', () => {
    const text = 'Not right now, maybe next quarter.';
    assert.deepEqual(classifyReply(reply(text)), classifyReply(reply(text)));
  });

  it('is trained on a corpus with enough phrasings per intent', () => {
    const counts = new Map<Intent, number>();
    for (const { intent } of TRAINING_CORPUS) counts.set(intent, (counts.get(intent) ?? 0) + 1);
    for (const intent of ['interested', 'question', 'not_now', 'not_interested', 'wrong_person'] as const) {
      assert.ok((counts.get(intent) ?? 0) >= 15, `${intent} has ${counts.get(intent) ?? 0} examples`);
    }
  });

  it('gets at least 80% of held-out replies right', (t) => {
    const corpusTexts = new Set(TRAINING_CORPUS.map((d) => d.text.toLowerCase()));
    const misses: string[] = [];
    for (const { text, intent } of HELD_OUT) {
      assert.ok(!corpusTexts.has(text.toLowerCase()), `held-out reply is in the corpus: ${text}`);
      const result = classifyReply(reply(text));
      if (result.intent !== intent) misses.push(`${intent} -> ${result.intent}: ${text} [${result.explanation}]`);
    }
    const accuracy = 1 - misses.length / HELD_OUT.length;
    t.diagnostic(`held-out accuracy ${(accuracy * 100).toFixed(1)}% (${HELD_OUT.length - misses.length}/${HELD_OUT.length})`);
    for (const miss of misses) t.diagnostic(`miss: ${miss}`);
    assert.ok(accuracy >= 0.8, `held-out accuracy ${accuracy.toFixed(2)} < 0.80`);
  });
});

// Replies written apart from the corpus and never trained on: new wording for the same intents.
const HELD_OUT: ReadonlyArray<{ text: string; intent: Intent }> = [
  { intent: 'interested', text: 'Hi Sam, this looks relevant. Can we talk on Thursday afternoon?' },
  { intent: 'interested', text: "Sure, I'm open to a quick call. Send me an invite for next week." },
  { intent: 'interested', text: 'Yes, happy to take a call. Monday after 2pm works.' },
  { intent: 'interested', text: 'We are actually looking for something like this right now. Let us set up a demo.' },
  { intent: 'interested', text: 'Sounds good, book 30 minutes with me and my sales lead.' },
  { intent: 'interested', text: 'Interested! What times do you have on Friday?' },
  { intent: 'interested', text: 'Ok, sure. Let me know a time that works and I will join.' },
  { intent: 'interested', text: 'Ja, gerne. Schicken Sie mir bitte ein paar Terminvorschläge.' },
  { intent: 'interested', text: 'Oui, je veux bien une démo la semaine prochaine.' },
  { intent: 'interested', text: 'Sí, me gustaría ver una demo. ¿El miércoles te va bien?' },

  { intent: 'question', text: 'What does it cost per user?' },
  { intent: 'question', text: 'Does it connect to HubSpot and Pipedrive?' },
  { intent: 'question', text: 'How do you handle data privacy? Are you GDPR compliant?' },
  { intent: 'question', text: 'Can you send me some case studies first?' },
  { intent: 'question', text: 'Is there a free trial?' },
  { intent: 'question', text: 'How is this different from Outreach?' },
  { intent: 'question', text: 'What is the setup time for a team of 15?' },
  { intent: 'question', text: 'Was kostet das pro Nutzer?' },
  { intent: 'question', text: 'Est-ce que ça fonctionne avec Salesforce ?' },
  { intent: 'question', text: '¿Cuál es el precio por usuario?' },

  { intent: 'not_now', text: 'Not right now. Maybe check back next quarter.' },
  { intent: 'not_now', text: 'We are in the middle of a big migration. Please reach out again in a few months.' },
  { intent: 'not_now', text: 'No budget this year, try again in January.' },
  { intent: 'not_now', text: 'Bad timing for us, ping me after the summer.' },
  { intent: 'not_now', text: 'Maybe later this year, we have other priorities at the moment.' },
  { intent: 'not_now', text: 'We just renewed with our current vendor, so follow up next year.' },
  { intent: 'not_now', text: 'Too busy right now. Circle back in Q3?' },
  { intent: 'not_now', text: 'Im Moment nicht, vielleicht im nächsten Jahr.' },
  { intent: 'not_now', text: 'Pas maintenant, recontactez-moi plus tard dans l’année.' },
  { intent: 'not_now', text: 'Ahora no es el momento, escríbeme en unos meses.' },

  { intent: 'not_interested', text: 'No thank you, not interested.' },
  { intent: 'not_interested', text: 'We are happy with what we have.' },
  { intent: 'not_interested', text: 'Not a fit for us, thanks.' },
  { intent: 'not_interested', text: 'We already have a tool for this and are not looking to change.' },
  { intent: 'not_interested', text: 'Thanks, but we will pass on this.' },
  { intent: 'not_interested', text: 'We do not need anything like this.' },
  { intent: 'not_interested', text: 'Not interested. Good luck with it.' },
  { intent: 'not_interested', text: 'Kein Bedarf, danke.' },
  { intent: 'not_interested', text: 'Merci, mais ça ne nous intéresse pas.' },
  { intent: 'not_interested', text: 'No nos interesa, ya tenemos una solución.' },

  { intent: 'wrong_person', text: 'I am not the right person. You should speak to our head of revenue.' },
  { intent: 'wrong_person', text: 'I no longer work there, sorry.' },
  { intent: 'wrong_person', text: 'This is not something I handle. Try our sales operations team.' },
  { intent: 'wrong_person', text: 'I left Acme last year. Please contact Maria instead.' },
  { intent: 'wrong_person', text: 'Forwarding to my colleague Ben, he is responsible for this.' },
  { intent: 'wrong_person', text: 'Wrong person, I work in HR.' },
  { intent: 'wrong_person', text: 'You want to talk to our VP of Sales, not me.' },
  { intent: 'wrong_person', text: 'Ich bin nicht zuständig, bitte wenden Sie sich an unseren Vertrieb.' },
  { intent: 'wrong_person', text: 'Je ne suis plus dans l’entreprise.' },
  { intent: 'wrong_person', text: 'No soy la persona correcta, contacta con nuestro director de ventas.' },
];
