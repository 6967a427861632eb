import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { analyzeReply, answerQuestion, classifyReply, IntentModel, type ReplyToClassify } from './index.ts';
import { replyOf } from './testing.ts';

const reply = replyOf;

const DSN = [
  'Reporting-MTA: dns; mx.acme.com',
  '',
  'Final-Recipient: rfc822; anna@acme.com',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <anna@acme.com>: Recipient address rejected: User unknown',
  '',
].join('\r\n');

function bounce(text: string): ReplyToClassify {
  return reply(text, {
    subject: 'Undelivered Mail Returned to Sender',
    fromAddress: 'mailer-daemon@mx.acme.com',
    contentType: 'multipart/report',
    headers: { 'content-type': 'multipart/report; report-type=delivery-status; boundary="b"', 'auto-submitted': 'auto-replied' },
    reportParts: [{ contentType: 'message/delivery-status', content: Buffer.from(DSN) }],
    fullText: text,
  });
}

describe('analyzeReply: order of the checks', () => {
  it('a List-Unsubscribe mailto opt-out wins even when the client marks it automatic', () => {
    const analysis = analyzeReply(reply('', { subject: 'unsubscribe', headers: { 'auto-submitted': 'auto-generated' } }));
    assert.equal(analysis.classification.intent, 'unsubscribe');
    assert.equal(analysis.automatic.isAutomatic, true);
  });

  it('a bounce comes before auto-reply headers and before an unsubscribe footer it quotes', () => {
    const analysis = analyzeReply(bounce('This is the mail system. Your message could not be delivered.\n\nTo unsubscribe, click here.'));
    assert.equal(analysis.classification.intent, 'bounce');
    assert.equal(analysis.classification.confidence, 1);
    assert.equal(analysis.bounce?.kind, 'hard');
    assert.equal(analysis.bounce?.recipient, 'anna@acme.com');
    assert.equal(analysis.automatic.isAutomatic, true);
    assert.match(analysis.automatic.evidence[0] ?? '', /^bounce hard 5\.1\.1/);
    assert.deepEqual(analysis.qualification, {});
  });

  it('an out-of-office quoting an unsubscribe footer is out_of_office', () => {
    const text = 'I am out of the office until Friday.\n\nTo unsubscribe from these notices, click here.';
    assert.equal(analyzeReply(reply(text, { headers: { 'auto-submitted': 'auto-replied' } })).classification.intent, 'out_of_office');
  });

  it('an unsubscribe rule comes before the model, and its near misses reach the model', () => {
    assert.equal(analyzeReply(reply('Please remove me from your list.')).classification.explanation, 'rule unsubscribe: "remove me"');
    assert.match(analyzeReply(reply("Don't stop emailing me, this is great.")).classification.explanation, /^model/);
  });

  it('uses the model it is given', () => {
    const model = IntentModel.train([
      { text: 'banana', intent: 'question' },
      { text: 'apple', intent: 'not_now' },
    ]);
    assert.equal(analyzeReply(reply('banana banana'), { model }).classification.intent, 'question');
  });

  it('classifyReply is analyzeReply(...).classification', () => {
    for (const text of ['Yes, Tuesday at 2?', 'No thanks.', 'Unsubscribe', 'I am out of the office until Monday.']) {
      assert.deepEqual(classifyReply(reply(text)), analyzeReply(reply(text)).classification, text);
    }
  });
});

describe('analyzeReply: automatic messages', () => {
  it('out_of_office: the return date counts from the message date, and the stand-in is named', () => {
    const analysis = analyzeReply(
      reply('I am out of the office until Monday. For urgent matters contact Sam Lee at sam.lee@acme.com.', {
        subject: 'Automatic reply: Quick question',
        headers: { 'auto-submitted': 'auto-replied', 'x-auto-response-suppress': 'All' },
      }),
    );
    assert.equal(analysis.classification.intent, 'out_of_office');
    assert.equal(analysis.classification.confidence, 1);
    assert.equal(analysis.returnDate?.toISOString().slice(0, 10), '2026-03-09');
    assert.deepEqual(analysis.alternateContact, { name: 'Sam Lee', email: 'sam.lee@acme.com' });
    assert.deepEqual(analysis.automatic.evidence, [
      'header Auto-Submitted: auto-replied',
      'subject "Automatic reply"',
      'body "out of the office"',
      'header X-Auto-Response-Suppress: All',
    ]);
    assert.equal(analysis.referral, undefined);
    assert.equal(analysis.answer, undefined);
  });

  it('out_of_office without a message date, or dated in the future, counts "until Monday" from now', () => {
    const now = new Date('2026-03-04T10:00:00Z'); // a Wednesday
    for (const date of [undefined, new Date('2031-01-01T00:00:00Z')]) {
      const analysis = analyzeReply(reply('I am away until Monday.', { date }), { now });
      assert.equal(analysis.classification.intent, 'out_of_office');
      assert.equal(analysis.returnDate?.toISOString().slice(0, 10), '2026-03-09');
    }
  });

  it('not_now: the date the reply names, read with the analysis', () => {
    const analysis = analyzeReply(
      reply('Not now, we are mid-migration. Ping me again in March.', { date: new Date('2026-12-05T10:00:00Z') }),
    );
    assert.equal(analysis.classification.intent, 'not_now', analysis.classification.explanation);
    assert.deepEqual(analysis.namedDate, { at: new Date('2027-03-01T00:00:00Z'), phrase: 'March' });
  });

  it('auto_reply: a ticket receipt, with nothing extracted', () => {
    const analysis = analyzeReply(
      reply('We have received your request #48213 and will respond within 24 hours.', { headers: { precedence: 'bulk' } }),
    );
    assert.equal(analysis.classification.intent, 'auto_reply');
    assert.equal(analysis.returnDate, undefined);
    assert.equal(analysis.alternateContact, undefined);
    assert.deepEqual(analysis.qualification, {});
  });

  it('reads the words of the whole message when the visible text is empty', () => {
    const analysis = analyzeReply(reply('', { fullText: 'This mailbox is not monitored.\n\n> On Tue, Sam wrote:\n> hi' }));
    assert.equal(analysis.classification.intent, 'auto_reply');
  });

  it('an automatic "no longer with the company" is wrong_person with the referral', () => {
    const analysis = analyzeReply(
      reply('Anna is no longer with Acme. Please contact John Smith (john.smith@acme.com).', {
        headers: { 'auto-submitted': 'auto-replied' },
      }),
    );
    assert.equal(analysis.classification.intent, 'wrong_person');
    assert.deepEqual(analysis.referral, { name: 'John Smith', email: 'john.smith@acme.com' });
  });
});

describe('analyzeReply: a person', () => {
  it('wrong_person: the referral, never the sender', () => {
    const analysis = analyzeReply(reply('Wrong person, sorry. Please talk to Priya (priya@acme.com), she runs sales ops.'));
    assert.equal(analysis.classification.intent, 'wrong_person');
    assert.deepEqual(analysis.referral, { name: 'Priya', email: 'priya@acme.com' });
    assert.equal(analysis.automatic.isAutomatic, false);
  });

  it('not_interested: the objection, and no referral', () => {
    const analysis = analyzeReply(reply('No thanks, we already use Outreach and are happy with it.'));
    assert.equal(analysis.classification.intent, 'not_interested');
    assert.equal(analysis.objection, 'already_have_tool');
    assert.equal(analysis.referral, undefined);
    assert.equal(analyzeReply(reply('Yes, happy to talk Thursday at 2pm.')).objection, undefined);
  });

  it('qualification signals are read from any person reply', () => {
    const analysis = analyzeReply(
      reply('We are a team of 12, looking at this for next quarter. Budget around $500 a month; I make the call.'),
    );
    assert.deepEqual(analysis.qualification, {
      teamSize: 12,
      timeline: 'next quarter',
      budget: 'around $500 a month',
      authority: 'I make the call',
    });
  });
});

describe('analyzeReply: the answer to the question the step asked', () => {
  const cases: Array<[Parameters<typeof analyzeReply>[1], string, string | undefined]> = [
    [{ asks: 'team_size' }, 'About 40 seats, mostly SDRs.', '40'],
    [{ asks: 'team_size' }, '25.', '25'],
    [{ asks: 'timeline' }, 'We want to roll it out in Q3.', 'in Q3'],
    [{ asks: 'budget' }, 'Honestly there is no budget until next year.', 'no budget until next year'],
    [{ asks: 'decision_maker' }, 'I need to check with my boss first.', 'I need to check with my boss'],
    [
      { asks: 'main_goal' },
      'Hi Sam,\n\nMostly booking more demos without hiring. Happy to talk.',
      'Mostly booking more demos without hiring.',
    ],
    [
      { asks: 'main_goal' },
      "Hi Sam, we're trying to shorten our sales cycle. Can we talk Tuesday?",
      "we're trying to shorten our sales cycle.",
    ],
    [{ asks: 'team_size' }, 'Yes, Tuesday works.', undefined],
    [{ asks: 'main_goal' }, 'Not interested, thanks.', undefined],
    [{}, 'About 40 seats.', undefined],
  ];
  for (const [context, text, value] of cases) {
    it(`${context?.asks ?? 'no question'}: ${JSON.stringify(text)}`, () => {
      const analysis = analyzeReply(reply(text), context);
      assert.deepEqual(analysis.answer, value === undefined ? undefined : { asks: context?.asks, value });
    });
  }

  it('an automatic message answers nothing', () => {
    assert.equal(analyzeReply(reply('I am out of the office until next quarter.'), { asks: 'timeline' }).answer, undefined);
  });

  it('answerQuestion after a first look gives what analyzing with the question gives', () => {
    const texts = [...cases.map(([, text]) => text), 'I am out of the office until next quarter.', 'Please unsubscribe me.'];
    const replies = [...texts.map((text) => reply(text)), bounce('We are a team of 40; delivery failed.')];
    for (const one of replies) {
      for (const asks of ['team_size', 'timeline', 'budget', 'decision_maker', 'main_goal'] as const) {
        assert.deepEqual(
          answerQuestion(analyzeReply(one), asks),
          analyzeReply(one, { asks }),
          `${asks}: ${JSON.stringify(one.visibleText)}`,
        );
      }
    }
  });
});

describe('analyzeReply: speed', () => {
  it('takes well under a few milliseconds a reply once the model is trained', () => {
    analyzeReply(reply('warm up'));
    const texts = [
      'Yes, Tuesday at 2?',
      'No thanks.',
      'Wrong person, talk to Priya.',
      'I am out of the office until Monday.',
      'We are a team of 12.',
    ];
    const started = performance.now();
    for (let i = 0; i < 200; i++) analyzeReply(reply(texts[i % texts.length]!), { asks: 'team_size' });
    const perReply = (performance.now() - started) / 200;
    assert.ok(perReply < 5, `${perReply.toFixed(2)} ms a reply`);
  });
});
