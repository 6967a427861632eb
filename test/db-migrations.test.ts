import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { boundedTaskId, connectDatabase, MAX_TASK_ID_LENGTH } from '../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';

// What a worker does to an older database when it starts: each change runs once per database,
// since a filter like "round is missing" reads every enrollment.
describe('database upgrades at start', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await startTestDatabase('migrations');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('gives enrollments stored before rounds round 1, once', async () => {
    const old = {
      contactId: 'c1',
      email: 'old@lead.example',
      sequenceId: 's',
      status: 'active',
      passedStepIds: [],
      skippedSteps: [],
      nextStepAt: null,
      threadMessageIds: [],
    };
    await t.db.db
      .collection('enrollments')
      .insertOne({ _id: 'before-rounds' as never, ...old, enrolledAt: new Date(), updatedAt: new Date() });
    await t.db.db.collection('migrations').deleteOne({ _id: 'enrollment-rounds' as never });

    const upgraded = await connectDatabase(t.url, t.name);
    try {
      assert.equal((await upgraded.enrollments.findOne({ _id: 'before-rounds' }))?.round, 1);
      assert.ok(await upgraded.db.collection('migrations').findOne({ _id: 'enrollment-rounds' as never }), 'the marker is written');
    } finally {
      await upgraded.close();
    }
  });

  it('moves a task whose id holds a long Message-ID to its bounded id, with its claims and audit events', async () => {
    const oldId = `reply:mid:<${'y'.repeat(696)}@lead.example.com>`;
    const newId = boundedTaskId(oldId);
    assert.ok(newId.length <= MAX_TASK_ID_LENGTH);
    const at = new Date();
    const task = {
      replyId: oldId.slice('reply:'.length),
      enrollmentId: 'e',
      contactId: 'c',
      email: 'lee@lead.example',
      sequenceId: 's',
      intent: 'question',
      confidence: 0.8,
      explanation: '',
      priority: 2,
      outcome: 'pause_and_task',
      status: 'claimed',
      createdAt: at,
      dueAt: at,
    };
    await t.db.db.collection('tasks').insertMany([
      { _id: oldId as never, ...task },
      { _id: 'reply:short' as never, ...task },
    ]);
    await t.db.taskClaims.insertOne({
      _id: `${oldId}#1`,
      taskId: oldId,
      claimNumber: 1,
      claimId: 'k',
      by: 'rita@parley.test',
      claimedAt: at,
      until: at,
    });
    await t.db.taskEvents.insertOne({ _id: `${oldId}#claimed`, taskId: oldId, at, by: 'rita@parley.test', action: 'claimed', detail: {} });
    await t.db.db.collection('migrations').deleteOne({ _id: 'task-ids-bounded' as never });

    const upgraded = await connectDatabase(t.url, t.name);
    try {
      assert.equal(await upgraded.tasks.findOne({ _id: oldId }), null);
      assert.equal((await upgraded.tasks.findOne({ _id: newId }))?.replyId, task.replyId);
      assert.ok(await upgraded.tasks.findOne({ _id: 'reply:short' }), 'short ids stay');
      assert.equal((await upgraded.taskClaims.findOne({ _id: `${oldId}#1` }))?.taskId, newId);
      assert.equal((await upgraded.taskEvents.findOne({ _id: `${oldId}#claimed` }))?.taskId, newId);
    } finally {
      await upgraded.close();
    }
  });
});
