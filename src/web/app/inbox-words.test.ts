import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { INTENTS } from '../../classify/index.ts';
import { dueWords, intentWords, priorityWords, snoozeWords } from './inbox-words.ts';

describe('inbox words', () => {
  const now = new Date('2026-12-05T12:00:00Z');
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  it('says when a task is due, relative to now, and whether it is late', () => {
    assert.deepEqual(dueWords(at(12.5), now), { text: 'due in 12 min', late: false });
    assert.deepEqual(dueWords(at(0.5), now), { text: 'due in less than a minute', late: false });
    assert.deepEqual(dueWords(at(-5), now), { text: '5 min late', late: true });
    assert.deepEqual(dueWords(at(-190), now), { text: '3 h late', late: true });
    assert.deepEqual(dueWords(at(60 * 24 * 3 + 1), now), { text: 'due in 3 days', late: false });
    assert.equal(snoozeWords(at(185), now), 'snoozed for 3 h');
  });

  it('has words for every intent and priority, never the code name', () => {
    for (const intent of INTENTS) {
      assert.notEqual(intentWords(intent), intent);
      assert.doesNotMatch(intentWords(intent), /_/);
    }
    assert.equal(intentWords('wrong_person'), 'Wrong person / referral');
    assert.deepEqual([1, 2, 3, 4, 5].map(priorityWords), ['Urgent', 'High', 'Normal', 'Low', 'Low']);
  });
});
