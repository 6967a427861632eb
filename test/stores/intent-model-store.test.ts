import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { intentModelStore, type IntentModelDoc, type IntentModelStore } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The intent-model store's contract (trained versions; the worker reloads the newest), against the embedded FerretDB or MONGODB_URL.
describe('intent model store', () => {
  let server: TestDatabase;
  let store: IntentModelStore;
  const model = (at: string, corrections: number): IntentModelDoc => ({
    _id: at,
    createdAt: new Date(at),
    json: `{"trained":"${at}"}`,
    corpusExamples: 100,
    corrections,
  });

  beforeAll(async () => {
    server = await startTestDatabase('intent_model_store');
    store = intentModelStore(server.db);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('has no newest version before the first training', async () => {
    assert.equal(await store.newestVersion(), undefined);
    assert.equal(await store.get('2026-03-02T09:00:00.000Z'), null);
  });

  it('names the latest training as the newest version, whatever order they were saved in, and returns it whole', async () => {
    await store.save(model('2026-03-02T09:00:00.000Z', 0));
    await store.save(model('2026-03-04T09:00:00.000Z', 7));
    await store.save(model('2026-03-03T09:00:00.000Z', 3));
    assert.equal(await store.newestVersion(), '2026-03-04T09:00:00.000Z');
    assert.deepEqual(await store.get('2026-03-04T09:00:00.000Z'), model('2026-03-04T09:00:00.000Z', 7));
  });

  it('refuses a second model under a version already saved', async () => {
    await assert.rejects(store.save(model('2026-03-02T09:00:00.000Z', 1)));
    assert.equal((await store.get('2026-03-02T09:00:00.000Z'))?.corrections, 0);
  });
});
