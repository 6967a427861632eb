import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase } from '../src/db/index.ts';
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
});
