import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { queueForStats, statsDayStore, type StatsDayDoc, type StatsDayPartDoc, type StatsDayStore } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The stats day summaries' store, against the embedded FerretDB or MONGODB_URL.
describe('stats day store', () => {
  let server: TestDatabase;
  let store: StatsDayStore;
  const t0 = new Date('2026-03-02T09:00:00Z');

  const part = (id: string, day: string, sequenceId?: string): StatsDayPartDoc => ({
    _id: id,
    day,
    ...(sequenceId !== undefined && { sequenceId }),
    events: '[]',
  });
  const head = (day: string, version: number, parts: readonly StatsDayPartDoc[]): StatsDayDoc => ({
    _id: `${day}#${version}`,
    day,
    version,
    parts: parts.map((p) => ({ id: p._id, ...(p.sequenceId !== undefined && { sequenceId: p.sequenceId }), events: 0 })),
    builtAt: t0,
  });
  const mark = (id: string, day: string, queuedAt = t0) =>
    queueForStats(server.db, { _id: id, at: new Date(`${day}T12:00:00Z`) }, queuedAt);
  const collect = async (parts: AsyncIterable<StatsDayPartDoc>) => {
    const all: string[] = [];
    for await (const p of parts) all.push(p._id);
    return all.sort();
  };

  beforeAll(async () => {
    server = await startTestDatabase('stats_day_store');
    store = statsDayStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await Promise.all([server.db.statsQueue.deleteMany({}), server.db.statsDays.deleteMany({}), server.db.statsDayParts.deleteMany({})]);
  });

  it('adds a version once: of two racing builds of the same version one is inserted, the other a duplicate', async () => {
    const ours = [part('2026-03-01#1/a/0', '2026-03-01', 's1')];
    const theirs = [part('2026-03-01#1/b/0', '2026-03-01', 's1')];
    await Promise.all([store.addParts(ours), store.addParts(theirs)]);
    const results = await Promise.all([store.addVersion(head('2026-03-01', 1, ours)), store.addVersion(head('2026-03-01', 1, theirs))]);
    assert.deepEqual(results.sort(), ['duplicate', 'inserted']);
    const versions = await store.versionsOf('2026-03-01');
    assert.equal(versions.length, 1);
    assert.deepEqual(Object.keys(versions[0] ?? {}).sort(), ['_id', 'parts', 'version']);
    assert.deepEqual(await store.versionsOf('2026-03-02'), []);
  });

  it('reads the versions and the days summarized in a range of days', async () => {
    await store.addVersion(head('2026-03-01', 1, []));
    await store.addVersion(head('2026-03-01', 2, []));
    await store.addVersion(head('2026-03-03', 1, []));
    await store.addVersion(head('2026-03-05', 1, []));
    assert.deepEqual((await store.summarizedDays('2026-03-01', '2026-03-03')).sort(), ['2026-03-01', '2026-03-01', '2026-03-03']);
    assert.deepEqual((await store.versionsWithin('2026-03-02', '2026-03-05')).map((h) => h._id).sort(), ['2026-03-03#1', '2026-03-05#1']);
  });

  it("reads a day's markers and the marked days, up to a day or in a range", async () => {
    await mark('email_sent:1', '2026-03-01');
    await mark('email_sent:1', '2026-03-01');
    await mark('replied:2', '2026-03-01');
    await mark('email_sent:3', '2026-03-04');
    assert.deepEqual(
      (await store.markersOf('2026-03-01')).sort((a, b) => a._id.localeCompare(b._id)),
      [
        { _id: 'email_sent:1', queuedAt: t0 },
        { _id: 'replied:2', queuedAt: t0 },
      ],
    );
    assert.deepEqual((await store.markedDays({ last: '2026-03-03' })).sort(), ['2026-03-01', '2026-03-01']);
    assert.deepEqual(await store.markedDays({ first: '2026-03-02', last: '2026-03-04' }), ['2026-03-04']);
  });

  it('streams the parts still there and removes parts, versions and markers by id; an empty list removes nothing', async () => {
    const parts = [
      part('2026-03-01#1/a/0', '2026-03-01', 's1'),
      part('2026-03-01#1/a/1', '2026-03-01'),
      part('2026-03-02#1/a/0', '2026-03-02'),
    ];
    await store.addParts(parts);
    await store.addParts([]);
    await store.addVersion(head('2026-03-01', 1, parts.slice(0, 2)));
    await mark('email_sent:1', '2026-03-01');
    assert.deepEqual(await collect(store.parts(['2026-03-01#1/a/0', '2026-03-01#1/a/1', '2026-03-01#9/x/0'])), [
      '2026-03-01#1/a/0',
      '2026-03-01#1/a/1',
    ]);
    assert.deepEqual(await collect(store.parts([])), []);

    await Promise.all([store.removeParts([]), store.removeVersions([]), store.removeMarkers([])]);
    assert.deepEqual(
      [
        await server.db.statsDayParts.countDocuments({}),
        await server.db.statsDays.countDocuments({}),
        await server.db.statsQueue.countDocuments({}),
      ],
      [3, 1, 1],
    );
    await store.removeParts(['2026-03-01#1/a/0', '2026-03-01#1/a/1']);
    await store.removeVersions(['2026-03-01#1']);
    await store.removeMarkers(['email_sent:1']);
    assert.deepEqual(await collect(store.parts(parts.map((p) => p._id))), ['2026-03-02#1/a/0']);
    assert.deepEqual([await store.versionsOf('2026-03-01'), await store.markersOf('2026-03-01')], [[], []]);
  });
});
