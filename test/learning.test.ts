import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Database } from '../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { IntentModelStore } from '../src/learning/index.ts';
import { silentLogger } from '../src/logger.ts';
import { runCli, startCli } from './support/worker-process.ts';

// Reps' corrections become a new model that running workers pick up, against FerretDB (or MONGODB_URL).
describe('learning from reps', () => {
  let testDb: TestDatabase;
  let db: Database;
  let env: Record<string, string>;

  beforeAll(async () => {
    testDb = await startTestDatabase('learning');
    db = testDb.db;
    env = { MONGODB_URL: testDb.url, MONGODB_DB: testDb.name, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await testDb?.stop();
  });

  it('stores a relabel, trains a versioned model with it, and a worker loads the newest without a restart', async () => {
    const store = new IntentModelStore(db, silentLogger());
    await store.refresh();
    assert.equal(store.current(), undefined, 'no trained model yet: the built-in one is used');

    const texts = ['Ping me again once our board has met in the spring.', 'Circle back after the board meets, not before.'];
    for (const [i, visibleText] of texts.entries()) {
      await db.replies.insertOne({
        _id: `mid:<r${i}@lead.example>`,
        messageId: `<r${i}@lead.example>`,
        mailbox: 'INBOX',
        uidValidity: '1',
        uid: i + 1,
        from: 'lead@lead.example',
        subject: 'Re: hi',
        references: [],
        visibleText,
        state: 'processed',
        intent: 'unclear',
        receivedAt: new Date(),
      });
      assert.match(
        await runCli(['classify', 'relabel', `mid:<r${i}@lead.example>`, 'not_now', '--by', 'rita'], env),
        /unclear -> not_now \(by rita\)/,
      );
    }
    const wrong = startCli(['classify', 'relabel', 'mid:<r0@lead.example>', 'angry'], env);
    assert.equal(await wrong.exited, 1);
    assert.match(wrong.output(), /"angry" is not an intent/);

    const trained = await runCli(['classify', 'train'], env);
    assert.match(trained, /\+ 2 corrections/);
    const stored = await db.intentModels.find({}).toArray();
    assert.equal(stored.length, 1);
    assert.equal(typeof stored[0]?.json, 'string');

    await store.refresh();
    assert.equal(store.current()?.version, stored[0]?._id);
    assert.equal(store.current()?.model.info.corpusSize, stored[0]!.corpusExamples + 2);
  });
});
