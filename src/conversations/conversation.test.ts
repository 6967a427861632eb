import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { ConversationTaskRecord } from '../db/index.ts';
import { assertOneProblem, HEAD, ONE_STEP, sequenceOf } from '../sequences/testing.ts';
import { openConversation } from './conversation.ts';

const NOW = new Date('2026-12-05T12:00:00Z');
const HOUR = 60 * 60_000;
const WAIT = 72 * HOUR;

const task = (over: Partial<ConversationTaskRecord>): ConversationTaskRecord => ({
  _id: 'reply:mid:<q@lead.example>',
  contactId: 'c1',
  sequenceId: 'a',
  status: 'open',
  createdAt: new Date(NOW.getTime() - HOUR),
  ...over,
});

describe('when a contact is in a conversation', () => {
  it('a reply waiting for a rep (open, claimed or snoozed task) keeps it open with no end', () => {
    for (const status of ['open', 'claimed', 'snoozed'] as const)
      assert.equal(openConversation([task({ status })], NOW, WAIT)?.state, 'awaiting_rep', status);
  });

  it("a rep's answer keeps it open for the wait, then it is over", () => {
    const answered = (hoursAgo: number) => task({ status: 'answered', answeredAt: new Date(NOW.getTime() - hoursAgo * HOUR) });
    const open = openConversation([answered(1)], NOW, WAIT);
    assert.equal(open?.state, 'awaiting_contact');
    assert.deepEqual(open?.state === 'awaiting_contact' && open.until, new Date(NOW.getTime() + 71 * HOUR));
    assert.equal(openConversation([answered(73)], NOW, WAIT), undefined);
  });

  it('a reply waiting for a rep outranks an answer waiting for the contact; closed tasks and held senders open none', () => {
    const both = [task({ _id: 't1', status: 'answered', answeredAt: NOW }), task({ _id: 't2', status: 'open' })];
    assert.equal(openConversation(both, NOW, WAIT)?.taskId, 't2');
    assert.equal(openConversation([task({ status: 'done' })], NOW, WAIT), undefined);
    const held = task({
      senderConcern: { reason: 'not_the_contact', from: 'x@else.example', contact: 'lee@lead.example', note: 'sender does not match' },
    });
    assert.equal(openConversation([held], NOW, WAIT), undefined);
  });
});

describe('during_conversation in a sequence file', () => {
  it('holds by default and reads send', () => {
    assert.equal(sequenceOf(`${HEAD}${ONE_STEP}`).duringConversation, 'hold');
    assert.equal(sequenceOf(`${HEAD}during_conversation: send\n${ONE_STEP}`).duringConversation, 'send');
  });

  it('names the file, line and column of a value it does not know', () => {
    assertOneProblem(`${HEAD}during_conversation: ignore\n${ONE_STEP}`, {
      line: 4,
      column: 22,
      field: 'during_conversation',
      message: /expected hold or send/,
    });
  });
});
