import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { answerBody, handOverLine, parseCcList, quoteBelow, replyAllCc } from './answer-mail.ts';
import { messageIdDomainFor } from '../sending/index.ts';

describe("a rep's answer as mail", () => {
  it('copies everyone the lead had in To and Cc, except us and the lead', () => {
    const reply = { to: ['Dana@Parley.test', 'sam@lead.example'], cc: ['morgan@lead.example', 'sam@lead.example', 'pat@lead.example'] };
    assert.deepEqual(replyAllCc(reply, 'pat@lead.example', 'dana@parley.test'), ['sam@lead.example', 'morgan@lead.example']);
    assert.deepEqual(replyAllCc({}, 'pat@lead.example', 'dana@parley.test'), []);
  });

  it('reads a CC line as typed, and names a bad address', () => {
    assert.deepEqual(parseCcList(' Morgan@Lead.example, sam@lead.example;<kim@lead.example>  sam@lead.example'), {
      ok: true,
      cc: ['morgan@lead.example', 'sam@lead.example', 'kim@lead.example'],
    });
    assert.deepEqual(parseCcList(''), { ok: true, cc: [] });
    assert.deepEqual(parseCcList('morgan@lead.example, morgan'), {
      ok: false,
      message: 'CC: "morgan" is not an email address; fix or remove it.',
    });
  });

  it('takes the Message-ID domain from MESSAGE_ID_DOMAIN, else from the sending address', () => {
    assert.equal(messageIdDomainFor('mail.example.com', 'marco@example.com'), 'mail.example.com');
    assert.equal(messageIdDomainFor(undefined, 'marco@Example.COM'), 'example.com');
  });

  it("quotes the lead below the answer as mail clients do, in the contact's zone", () => {
    const quoted = {
      at: new Date('2026-03-03T09:15:00Z'),
      name: 'Ada Lovelace',
      address: 'ada@lead.example',
      text: 'Sounds good.\n\nWhat does it cost?',
      timeZone: 'Europe/Berlin',
    };
    assert.equal(
      quoteBelow(quoted),
      'On Tue, Mar 3, 2026 at 10:15 AM, Ada Lovelace <ada@lead.example> wrote:\n> Sounds good.\n>\n> What does it cost?',
    );
    assert.match(
      quoteBelow({ ...quoted, name: undefined, timeZone: undefined }),
      /^On Tue, Mar 3, 2026 at 9:15 AM UTC, ada@lead\.example wrote:/,
    );
    assert.equal(answerBody('240 a month.', 'Rita (working with Marco Rossi)', quoted).split('\n\n')[1], 'Rita (working with Marco Rossi)');
  });

  it('adds a hand-over line only for another rep who did not sign', () => {
    assert.equal(handOverLine('Rita Rep', 'Marco Rossi', 'Sure, Thursday works.'), 'Rita Rep (working with Marco Rossi)');
    assert.equal(handOverLine('Rita Rep', 'Marco Rossi', 'Sure, Thursday works.\n\nRita'), undefined);
    assert.equal(handOverLine('Marco Rossi', 'marco rossi', 'Sure.'), undefined);
  });
});
