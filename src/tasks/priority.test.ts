import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { taskPriority } from './priority.ts';

describe('taskPriority', () => {
  it('puts interest first and questions next, ahead of later-maybe and no', () => {
    const order = (['not_interested', 'question', 'not_now', 'interested', 'wrong_person'] as const)
      .slice()
      .sort((a, b) => (taskPriority(a) ?? 99) - (taskPriority(b) ?? 99));
    assert.deepEqual(order, ['interested', 'question', 'wrong_person', 'not_now', 'not_interested']);
  });

  it('makes no task when no person needs to answer', () => {
    for (const intent of ['out_of_office', 'bounce', 'unsubscribe'] as const) assert.equal(taskPriority(intent), undefined);
  });
});
