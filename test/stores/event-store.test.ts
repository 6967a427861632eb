import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Collection } from 'mongodb';
import { eventStore, type EventDoc, type EventStore, type StatsEventRecord } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

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

  beforeAll(async () => {
    server = await startTestDatabase('event_store');
    store = eventStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await Promise.all([server.db.events.deleteMany({}), server.db.rollupQueue.deleteMany({}), server.db.statsQueue.deleteMany({})]);
  });

  it('records an event once: of two racing records one is recorded, the other is a duplicate', async () => {
    const results = await Promise.all([
      store.record(event('email_sent:d1'), { stats: true }),
      store.record(event('email_sent:d1', { at: at(1) }), { stats: true }),
    ]);
    assert.deepEqual(results.sort(), ['duplicate', 'recorded']);
    assert.equal(await server.db.events.countDocuments({}), 1);
    assert.equal(await server.db.rollupQueue.countDocuments({ _id: 'email_sent:d1' }), 1);
    assert.deepEqual(await server.db.statsQueue.findOne({ _id: 'email_sent:d1' }), {
      _id: 'email_sent:d1',
      day: '2026-03-02',
      queuedAt: t0,
    });
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
        seen.push(
          await server.db.rollupQueue.countDocuments({ _id: doc._id }),
          await server.db.statsQueue.countDocuments({ _id: doc._id }),
        );
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
    await store.record(event('email_sent:1', { at: at(0), sequenceId: 's1', stepId: 'a', enrollmentId: 'e1', props: { attempt: '1' } }), {
      stats: true,
    });
    await store.record(event('email_sent:2', { at: at(10), sequenceId: 's2', enrollmentId: 'e2' }), { stats: true });
    await store.record(
      event('replied:3', {
        type: 'replied',
        at: at(5),
        sequenceId: 's1',
        enrollmentId: 'e1',
        props: { intent: 'question', matched_by: 'thread' },
      }),
      { stats: true },
    );
    await store.record(
      event('email_bounced:4', {
        type: 'email_bounced',
        at: at(9),
        sequenceId: 's1',
        enrollmentId: 'e1',
        props: { kind: 'hard', status: '5.1.1' },
      }),
      { stats: true },
    );

    const sends = await collect(store.statsEvents({ type: 'email_sent', from: at(0), to: at(10) }));
    assert.deepEqual(sends, [
      { _id: 'email_sent:1', type: 'email_sent', at: at(0), sequenceId: 's1', stepId: 'a', enrollmentId: 'e1', props: {} },
    ]);
    const outcomes = await collect(store.statsEvents({ type: ['replied', 'email_bounced'], from: at(0), to: at(11), sequenceId: 's1' }));
    assert.deepEqual(outcomes, [
      { _id: 'email_bounced:4', type: 'email_bounced', at: at(9), sequenceId: 's1', enrollmentId: 'e1', props: { kind: 'hard' } },
      { _id: 'replied:3', type: 'replied', at: at(5), sequenceId: 's1', enrollmentId: 'e1', props: { intent: 'question' } },
    ]);
    assert.deepEqual(await collect(store.statsEvents({ type: ['replied'], from: at(0), to: at(11), sequenceId: 's2' })), []);
  });

  describe('what the segment rollups read', () => {
    // Visits count for 7 days, trials ever: the shape of a plan with a windowed and an unwindowed type.
    const types = [
      { type: 'page_visited', since: at(0) },
      { type: 'trial_started', since: undefined },
    ];
    const seed = () =>
      store.recordMany(
        [
          event('ext:old-visit', { type: 'page_visited', at: at(-1) }),
          event('ext:visit', { type: 'page_visited', at: at(0), props: { url: '/pricing' } }),
          event('ext:old-trial', { type: 'trial_started', at: at(-10_000) }),
          event('ext:sent', { type: 'email_sent', at: at(1) }),
          event('ext:other', { contactId: 'c2', type: 'page_visited', at: at(2) }),
          event('ext:range', { contactId: 'b7', type: 'trial_started', at: at(3) }),
        ],
        t0,
      );
    const ids = (rows: ReadonlyArray<{ _id: string }>) => rows.map((e) => e._id).sort();

    it("reads a contact's events that can still count, and counts them", async () => {
      await seed();
      assert.deepEqual(await store.countableEvents('c1', types).then((rows) => rows.sort((a, b) => a._id.localeCompare(b._id))), [
        { _id: 'ext:old-trial', type: 'trial_started', at: at(-10_000), props: {} },
        { _id: 'ext:visit', type: 'page_visited', at: at(0), props: { url: '/pricing' } },
      ]);
      assert.equal(await store.countCountableEvents('c1', types), 2);
      assert.deepEqual(ids(await store.countableEvents('c1', [{ type: 'trial_started', since: undefined }])), ['ext:old-trial']);
      assert.deepEqual(ids(await store.countableEvents('c1', [{ type: 'page_visited', since: at(-1) }])), ['ext:old-visit', 'ext:visit']);
      assert.equal(await store.countCountableEvents('c1', []), 0);
    });

    it('streams the countable events of a contact id range, either end open when left out', async () => {
      await seed();
      const of = async (range: { from?: string; to?: string }) => {
        const rows: Array<{ _id: string; contactId: string }> = [];
        for await (const e of store.countableEventsIn(range, types)) rows.push(e);
        return ids(rows);
      };
      assert.deepEqual(await of({ to: 'c' }), ['ext:range']);
      assert.deepEqual(await of({ from: 'c', to: 'c2' }), ['ext:old-trial', 'ext:visit']);
      assert.deepEqual(await of({ from: 'c2' }), ['ext:other']);
    });

    it('reads events by id with what a fold reads, or their types and times; none for no ids', async () => {
      await seed();
      assert.deepEqual(await store.toFold(['ext:visit', 'ext:missing']), [
        { _id: 'ext:visit', type: 'page_visited', at: at(0), props: { url: '/pricing' }, receivedAt: t0 },
      ]);
      assert.deepEqual(await store.typesAndTimes(['ext:sent']), [{ _id: 'ext:sent', type: 'email_sent', at: at(1) }]);
      assert.deepEqual(await store.toFold([]), []);
      assert.deepEqual(await store.typesAndTimes([]), []);
    });

    it('reads the events of some types of some contacts', async () => {
      await seed();
      assert.deepEqual(ids(await store.ofContacts(['c1', 'c2'], ['page_visited'])), ['ext:old-visit', 'ext:other', 'ext:visit']);
      const [sent] = await store.ofContacts(['c1'], ['email_sent']);
      assert.deepEqual(sent, { _id: 'ext:sent', contactId: 'c1', type: 'email_sent', at: at(1), props: {} });
      assert.deepEqual(await store.ofContacts(['c1'], []), []);
      assert.deepEqual(await store.ofContacts([], ['page_visited']), []);
    });
  });
});
