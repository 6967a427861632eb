import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Collection } from 'mongodb';
import { eventStore, type EventDoc, type EventStore, type StatsEventRecord } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../support/database.ts';

// The event store's contract, against the embedded FerretDB or MONGODB_URL.
describe('event store', () => {
  let server: TestDatabase;
  let store: EventStore;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  const event = (id: string, fields: Partial<EventDoc> = {}): EventDoc => ({
    _id: id,
    contactId: 'c1',
    type: 'email_sent',
    at: t0,
    source: 'parley',
    props: {},
    receivedAt: t0,
    ...fields,
  });
  const collect = async (events: AsyncIterable<StatsEventRecord>) => {
    const all: StatsEventRecord[] = [];
    for await (const e of events) all.push(e);
    return all.sort((a, b) => a._id.localeCompare(b._id));
  };

  before(async () => {
    server = await startTestDatabase('event_store');
    store = eventStore(server.db);
  });
  after(() => server?.stop());
  beforeEach(async () => {
    await Promise.all([server.db.events.deleteMany({}), server.db.rollupQueue.deleteMany({}), server.db.statsQueue.deleteMany({})]);
  });

  it('records an event once: of two racing records one is recorded, the other is a duplicate', async () => {
    const results = await Promise.all([store.record(event('email_sent:d1'), { stats: true }), store.record(event('email_sent:d1', { at: at(1) }), { stats: true })]);
    assert.deepEqual(results.sort(), ['duplicate', 'recorded']);
    assert.equal(await server.db.events.countDocuments({}), 1);
    assert.equal(await server.db.rollupQueue.countDocuments({ _id: 'email_sent:d1' }), 1);
    assert.deepEqual(await server.db.statsQueue.findOne({ _id: 'email_sent:d1' }), { _id: 'email_sent:d1', day: '2026-03-02', queuedAt: t0 });
  });

  it('marks only a stats event for the day summaries', async () => {
    await store.record(event('auto_replied:r1', { type: 'auto_replied' }), { stats: false });
    assert.equal(await server.db.rollupQueue.countDocuments({ _id: 'auto_replied:r1' }), 1);
    assert.equal(await server.db.statsQueue.countDocuments({}), 0);
  });

  it('queues the markers before it inserts the event', async () => {
    const seen: number[] = [];
    const events = server.db.events;
    const watched = Object.assign(Object.create(events) as Collection<EventDoc>, {
      insertOne: async (doc: EventDoc) => {
        seen.push(await server.db.rollupQueue.countDocuments({ _id: doc._id }), await server.db.statsQueue.countDocuments({ _id: doc._id }));
        return events.insertOne(doc);
      },
    });
    assert.equal(await eventStore({ ...server.db, events: watched }).record(event('email_sent:d2'), { stats: true }), 'recorded');
    assert.deepEqual(seen, [1, 1]);
  });

  it('records a batch: what is there already is reported by index, the rest goes in', async () => {
    assert.deepEqual(await store.recordMany([], t0), new Set());
    await store.recordMany([event('ext:a', { source: 'api', type: 'page_visited' })], t0);
    const duplicates = await store.recordMany(
      ['ext:b', 'ext:a', 'ext:c', 'ext:b'].map((id) => event(id, { source: 'api', type: 'page_visited' })),
      at(1),
    );
    assert.deepEqual([...duplicates].sort(), [1, 3]);
    assert.deepEqual((await server.db.events.find({}).toArray()).map((e) => e._id).sort(), ['ext:a', 'ext:b', 'ext:c']);
    assert.deepEqual((await server.db.rollupQueue.find({}).toArray()).map((m) => m._id).sort(), ['ext:a', 'ext:b', 'ext:c']);
    assert.equal(await server.db.statsQueue.countDocuments({}), 0);
  });

  it('streams the stats events of one type or several, in a half-open span, of one sequence when asked, with the fields the metrics read', async () => {
    await store.record(event('email_sent:1', { at: at(0), sequenceId: 's1', stepId: 'a', enrollmentId: 'e1', props: { attempt: '1' } }), { stats: true });
    await store.record(event('email_sent:2', { at: at(10), sequenceId: 's2', enrollmentId: 'e2' }), { stats: true });
    await store.record(event('replied:3', { type: 'replied', at: at(5), sequenceId: 's1', enrollmentId: 'e1', props: { intent: 'question', matched_by: 'thread' } }), { stats: true });
    await store.record(event('email_bounced:4', { type: 'email_bounced', at: at(9), sequenceId: 's1', enrollmentId: 'e1', props: { kind: 'hard', status: '5.1.1' } }), { stats: true });

    const sends = await collect(store.statsEvents({ type: 'email_sent', from: at(0), to: at(10) }));
    assert.deepEqual(sends, [{ _id: 'email_sent:1', type: 'email_sent', at: at(0), sequenceId: 's1', stepId: 'a', enrollmentId: 'e1', props: {} }]);
    const outcomes = await collect(store.statsEvents({ type: ['replied', 'email_bounced'], from: at(0), to: at(11), sequenceId: 's1' }));
    assert.deepEqual(outcomes, [
      { _id: 'email_bounced:4', type: 'email_bounced', at: at(9), sequenceId: 's1', enrollmentId: 'e1', props: { kind: 'hard' } },
      { _id: 'replied:3', type: 'replied', at: at(5), sequenceId: 's1', enrollmentId: 'e1', props: { intent: 'question' } },
    ]);
    assert.deepEqual(await collect(store.statsEvents({ type: ['replied'], from: at(0), to: at(11), sequenceId: 's2' })), []);
  });
});
