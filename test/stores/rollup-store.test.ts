import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { rollupStore, type ContactRollupDoc, type RollupQueueDoc, type RollupStore } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The rollup store's contract (rollups, their built state and their queue), against the embedded FerretDB or MONGODB_URL.
describe('rollup store', () => {
  let server: TestDatabase;
  let store: RollupStore;
  const t0 = new Date('2026-03-02T09:00:00Z');

  const rollup = (definitions: string, contactId: string, count: number): ContactRollupDoc => ({
    _id: `${definitions}:${contactId}`,
    contactId,
    definitions,
    conditions: { c0ffee: { count } },
    events: count,
    computedAt: t0,
  });
  const marker = (id: string, contactId: string, type = 'page_visited'): RollupQueueDoc => ({ _id: id, contactId, type, queuedAt: t0 });
  const ids = (rows: ReadonlyArray<{ _id: string }>) => rows.map((r) => r._id).sort();

  beforeAll(async () => {
    server = await startTestDatabase('rollup_store');
    store = rollupStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await Promise.all([
      server.db.contactRollups.deleteMany({}),
      server.db.rollupState.deleteMany({}),
      server.db.rollupQueue.deleteMany({}),
    ]);
  });

  it('writes a rollup whole and reads its tallies, one or many', async () => {
    assert.equal(await store.write(rollup('d1', 'c1', 1)), 'written');
    assert.equal(await store.write({ ...rollup('d1', 'c1', 2), folded: ['e1'] }), 'written');
    await store.write(rollup('d1', 'c2', 5));
    assert.deepEqual(await store.tallies('d1:c1'), { c0ffee: { count: 2 } });
    assert.equal(await store.tallies('d1:c3'), undefined);
    const many: unknown[] = [];
    for await (const r of store.talliesOf(['d1:c1', 'd1:c2', 'd1:c3'])) many.push(r);
    assert.deepEqual(
      many.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        { _id: 'd1:c1', contactId: 'c1', conditions: { c0ffee: { count: 2 } } },
        { _id: 'd1:c2', contactId: 'c2', conditions: { c0ffee: { count: 5 } } },
      ],
    );
    for await (const r of store.talliesOf([])) assert.fail(`read ${r.contactId} for no ids`);
    assert.deepEqual(await store.getMany(['d1:c1', 'd1:c9']), [{ ...rollup('d1', 'c1', 2), folded: ['e1'] }]);
    assert.deepEqual(await store.getMany([]), []);
  });

  it('inserts the missing rollups of a rebuild and keeps those already there', async () => {
    await store.write(rollup('d1', 'c1', 7));
    await store.insertMissing([rollup('d1', 'c1', 1), rollup('d1', 'c2', 1), rollup('d1', 'c3', 1)]);
    await store.insertMissing([]);
    assert.deepEqual(await store.tallies('d1:c1'), { c0ffee: { count: 7 } });
    assert.equal(await store.count('d1'), 3);
  });

  it('deletes the rollups of other condition sets and counts those of one', async () => {
    await store.insertMissing([rollup('d1', 'c1', 1), rollup('d2', 'c1', 1), rollup('d2', 'c2', 1)]);
    await store.deleteOtherDefinitions('d2');
    assert.equal(await store.count('d1'), 0);
    assert.equal(await store.count('d2'), 2);
  });

  it('remembers the condition set the rollups were last built for', async () => {
    assert.equal(await store.builtFor(), undefined);
    await store.markBuilt('d1', t0);
    await store.markBuilt('d2', t0);
    assert.equal(await store.builtFor(), 'd2');
    assert.equal(await server.db.rollupState.countDocuments({}), 1);
  });

  it('reads the queue by slice, contact and type, and takes markers off it', async () => {
    await server.db.rollupQueue.insertMany([
      marker('e1', 'c1'),
      marker('e2', 'c1', 'trial_started'),
      marker('e3', 'c2'),
      marker('e4', 'c3', 'email_sent'),
    ]);
    assert.equal((await store.queueSlice(3)).length, 3);
    assert.deepEqual((await store.queueSlice(10)).sort((a, b) => a._id.localeCompare(b._id))[0], marker('e1', 'c1'));
    const slice = await store.queuedContacts(10);
    assert.deepEqual(ids(slice), ['e1', 'e2', 'e3', 'e4']);
    assert.deepEqual(
      slice.find((m) => m._id === 'e3'),
      { _id: 'e3', contactId: 'c2' },
    );
    assert.deepEqual((await store.markerIdsOf('c1')).sort(), ['e1', 'e2']);
    assert.deepEqual(ids(await store.markersOf(['c1', 'c3'])), ['e1', 'e2', 'e4']);
    assert.deepEqual(await store.markersOf([]), []);
    assert.deepEqual(ids(await store.markersOfTypes(['page_visited', 'trial_started'])), ['e1', 'e2', 'e3']);
    assert.deepEqual(await store.markersOfTypes([]), []);
    await store.removeMarkers(['e1', 'e4']);
    await store.removeMarkers([]);
    assert.deepEqual(ids(await store.queueSlice(10)), ['e2', 'e3']);
  });
});
