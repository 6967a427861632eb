import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { segmentChangeStore, type SegmentChangeDoc, type SegmentChangeStore } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The segment-change store's contract (what `parley segments show` reads), against the embedded FerretDB or MONGODB_URL.
describe('segment change store', () => {
  let server: TestDatabase;
  let store: SegmentChangeStore;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  const change = (segmentId: string, contactId: string, n: number, minutes: number): SegmentChangeDoc => ({
    _id: `${segmentId}:${contactId}#${n}`,
    segmentId,
    contactId,
    n,
    change: n % 2 === 1 ? 'entered' : 'exited',
    member: n % 2 === 1,
    entries: Math.ceil(n / 2),
    at: at(minutes),
    reason: 'visited /pricing twice',
  });

  beforeAll(async () => {
    server = await startTestDatabase('segment_change_store');
    store = segmentChangeStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(() => server.db.segmentChanges.deleteMany({}));

  it("reads a segment's latest entries and exits, newest first, up to the limit", async () => {
    await server.db.segmentChanges.insertMany([
      change('pricing', 'c1', 1, 0),
      change('pricing', 'c2', 1, 5),
      change('pricing', 'c1', 2, 10),
      change('trial', 'c1', 1, 20),
    ]);
    assert.deepEqual(
      (await store.latest('pricing', 10)).map((c) => c._id),
      ['pricing:c1#2', 'pricing:c2#1', 'pricing:c1#1'],
    );
    assert.deepEqual(await store.latest('pricing', 1), [change('pricing', 'c1', 2, 10)]);
    assert.deepEqual(await store.latest('none', 10), []);
  });

  it('records a change once: of two racing records one is recorded, the other is a duplicate', async () => {
    const results = await Promise.all([store.record(change('pricing', 'c1', 1, 0)), store.record(change('pricing', 'c1', 1, 1))]);
    assert.deepEqual(results.sort(), ['duplicate', 'recorded']);
    assert.deepEqual(
      await server.db.segmentChanges
        .find({})
        .toArray()
        .then((all) => all.length),
      1,
    );
  });

  it('records many changes at once, each once', async () => {
    await store.record(change('pricing', 'c2', 1, 0));
    const results = await store.recordEach([change('pricing', 'c1', 1, 0), change('pricing', 'c2', 1, 0), change('pricing', 'c1', 2, 5)]);
    assert.deepEqual(results, ['recorded', 'duplicate', 'recorded']);
    assert.deepEqual(await store.recordEach([]), []);
    assert.equal(await server.db.segmentChanges.countDocuments({}), 3);
  });

  it('reads the changes of a segment, of some contacts, of one contact, or all', async () => {
    const all = [
      change('pricing', 'c1', 1, 0),
      change('pricing', 'c1', 2, 5),
      change('pricing', 'c2', 1, 5),
      change('trial', 'c1', 1, 9),
      change('trial', 'c3', 1, 9),
    ];
    await store.recordEach(all);
    const read = async (scope: Parameters<SegmentChangeStore['changes']>[0]) => {
      const ids: string[] = [];
      for await (const c of store.changes(scope)) ids.push(c._id);
      return ids.sort();
    };
    assert.deepEqual(await read({ segmentId: 'trial' }), ['trial:c1#1', 'trial:c3#1']);
    assert.deepEqual(await read({ contactIds: ['c2', 'c3'] }), ['pricing:c2#1', 'trial:c3#1']);
    assert.deepEqual(await read({ contactId: 'c1', segmentId: 'pricing' }), ['pricing:c1#1', 'pricing:c1#2']);
    assert.deepEqual(await read({ contactIds: [] }), []);
    assert.deepEqual(await read({}), all.map((c) => c._id).sort());
    const [first] = await (async () => {
      const docs = [];
      for await (const c of store.changes({ contactId: 'c2' })) docs.push(c);
      return docs;
    })();
    assert.deepEqual(first, change('pricing', 'c2', 1, 5));
  });
});
