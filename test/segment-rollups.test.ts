import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Database } from '../src/db/index.ts';
import { OWN_EVENTS, recordEvents, recordOwnEvent } from '../src/events/index.ts';
import {
  planRollups,
  readMemberships,
  refreshAllSegments,
  refreshContacts,
  refreshQueuedContacts,
  type Segment,
} from '../src/segments/index.ts';
import { conditionId, matchingAt, type RollupTallies } from '../src/segments/rollup.ts';
import { foldQueuedEvents, recomputeRollup } from '../src/segments/rollups.ts';
import { seeded } from './support/random.ts';
import { segmentOf } from '../src/segments/testing.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';

const DAY = 24 * 60 * 60 * 1000;

const pricing = segmentOf(`id: pricing
name: Pricing page visitors
rules:
  all:
    - event: page_visited
      where: { url: { starts_with: /pricing } }
      at_least: 2
      within: 7 days
    - not: { event: replied }
`);

// Per-contact rollups on the real database (FerretDB v1, or MONGODB_URL): kept from the queue every
// recorder writes, read by the event path and the full refresh instead of the events.
describe('segment rollups', () => {
  let testDb: TestDatabase | undefined;
  let db: Database;
  const t0 = new Date('2026-11-02T10:00:00Z');
  const plan = planRollups([pricing]);
  const input = (now: Date, segments: Segment[] = [pricing]) => ({ segments, sequences: [], now });
  const visit = (email: string, id: string, url: string, at: Date) => ({
    id,
    email,
    type: 'page_visited',
    at: at.toISOString(),
    props: { url },
  });
  const contactId = async (email: string) => (await db.contacts.findOne({ email }))?._id ?? assert.fail(`no contact ${email}`);
  const rollupOf = async (id: string, definitions = plan.definitions) => db.contactRollups.findOne({ _id: `${definitions}:${id}` });

  beforeAll(async () => {
    testDb = await startTestDatabase('rollups');
    db = testDb.db;
    // Rollups built (for no events yet), as a worker's first refresh leaves them.
    await refreshAllSegments(db, input(t0));
  });
  afterAll(async () => {
    await testDb?.stop();
  });

  it('enters a contact on the event path from its queued events, and takes it out when its own reply arrives', async () => {
    await recordEvents(db, [visit('ann@lead.example', 'a1', '/pricing', t0), visit('ann@lead.example', 'a2', '/pricing/teams', t0)], {
      source: 'api',
      now: t0,
    });
    assert.equal(await db.rollupQueue.countDocuments({}), 2, 'both events queued');
    const entered = await refreshQueuedContacts(db, input(new Date(t0.getTime() + 1000)));
    assert.deepEqual([entered.contacts, entered.entered], [1, 1]);
    assert.equal(await db.rollupQueue.countDocuments({}), 0, 'folded events leave the queue');
    const ann = await contactId('ann@lead.example');
    const rollup = await rollupOf(ann);
    assert.deepEqual(
      Object.values(rollup?.conditions ?? {}).map((c) => c.count),
      [2],
    );

    // Parley's own event (a reply) goes through the same queue.
    await recordOwnEvent(db, {
      type: OWN_EVENTS.replied,
      key: 'r-ann',
      contactId: ann,
      at: new Date(t0.getTime() + 2000),
      props: { intent: 'question' },
    });
    const exited = await refreshQueuedContacts(db, input(new Date(t0.getTime() + 3000)));
    assert.equal(exited.exited, 1);
    assert.equal((await readMemberships(db, { contactId: ann })).get(`pricing:${ann}`)?.member, false);
  });

  it('lets a contact leave by time alone: the full refresh reads the rollup, not the events', async () => {
    const at = new Date(t0.getTime() + 20 * DAY);
    await recordEvents(db, [visit('bo@lead.example', 'b1', '/pricing', at), visit('bo@lead.example', 'b2', '/pricing', at)], {
      source: 'api',
      now: at,
    });
    const bo = await contactId('bo@lead.example');
    const first = await refreshAllSegments(db, input(new Date(at.getTime() + 1000)));
    assert.equal(first.entered, 1, 'the full refresh folds the queue first');
    // The events are gone from the events collection: a refresh that still read them would see none.
    await db.events.deleteMany({ contactId: bo });
    const sixDays = await refreshAllSegments(db, input(new Date(at.getTime() + 6 * DAY)));
    assert.equal(sixDays.exited, 0, 'still inside the 7 days');
    const eightDays = await refreshAllSegments(db, input(new Date(at.getTime() + 8 * DAY)));
    assert.equal(eightDays.exited, 1);
    assert.equal((await readMemberships(db, { contactId: bo })).get(`pricing:${bo}`)?.member, false);
  });

  it('reads only what can still count: an imported old visit leaves the queue without being read into the rollup', async () => {
    const now = new Date(t0.getTime() + 40 * DAY);
    const old = new Date(now.getTime() - 30 * DAY);
    await recordEvents(db, [visit('ola@lead.example', 'o1', '/pricing', old), visit('ola@lead.example', 'o2', '/pricing', now)], {
      source: 'import',
      now,
    });
    const report = await refreshQueuedContacts(db, input(now));
    assert.equal(report.entered, 0, 'one visit in the 7 days is not two');
    assert.equal(
      await db.rollupQueue.countDocuments({ contactId: await contactId('ola@lead.example') }),
      0,
      'both markers done, the old one as past the horizon',
    );
    const rollup = await rollupOf(await contactId('ola@lead.example'));
    assert.equal(rollup?.events, 1, 'the visit 30 days ago was not read');
    await recordEvents(db, [visit('ola@lead.example', 'o3', '/pricing/teams', now)], { source: 'api', now });
    assert.equal((await refreshQueuedContacts(db, input(now))).entered, 1);
  });

  it('loses no event when two writers fold the same contact at once', async () => {
    const at = new Date(t0.getTime() + 40 * DAY);
    const lanes = ['x', 'y'].map(async (lane) => {
      for (let i = 0; i < 10; i += 1) {
        await recordEvents(db, [visit('cy@lead.example', `${lane}${i}`, '/pricing', at)], { source: 'api', now: at });
        // Each lane is a worker: it folds the queue right after recording, racing the other.
        await refreshQueuedContacts(db, input(at));
      }
    });
    await Promise.all(lanes);
    await refreshQueuedContacts(db, input(at));
    const rollup = await rollupOf(await contactId('cy@lead.example'));
    assert.equal(rollup?.events, 20);
    assert.deepEqual(
      Object.values(rollup?.conditions ?? {}).map((c) => c.count),
      [20],
    );
    assert.equal(await db.rollupQueue.countDocuments({}), 0);
  });

  it("repairs a slow writer's stale rollup: the write that lands last has checked the events after it", async () => {
    const at = new Date(t0.getTime() + 42 * DAY);
    const fay = (await recordEvents(db, [visit('fay@lead.example', 'f1', '/pricing', at)], { source: 'api', now: at })).contactIds[0] ?? '';
    // Writer A reads Fay's one event, then stalls before its write (the real database, a delayed call).
    let arrived!: () => void;
    let release!: () => void;
    const atWrite = new Promise<void>((resolve) => (arrived = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    let stalled = false;
    const rollups = db.contactRollups;
    const slow = {
      ...db,
      contactRollups: new Proxy(rollups, {
        get(target, key) {
          if (key === 'replaceOne' && !stalled) {
            stalled = true;
            return async (...args: Parameters<typeof rollups.replaceOne>) => {
              arrived();
              await gate;
              return target.replaceOne(...args);
            };
          }
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    };
    const writerA = recomputeRollup(slow, plan, fay, at);
    await atWrite;
    // Writer B records and folds a second event, and takes both markers off the queue.
    await recordEvents(db, [visit('fay@lead.example', 'f2', '/pricing', at)], { source: 'api', now: at });
    await refreshQueuedContacts(db, input(at));
    assert.equal((await rollupOf(fay))?.events, 2);
    release();
    await writerA;
    assert.equal((await rollupOf(fay))?.events, 2, 'A wrote its stale count, saw more events after it, and wrote again');
  });

  it('keeps the count right when a recompute and a fold of the same contact race', async () => {
    const at = new Date(t0.getTime() + 41 * DAY);
    const dee = (await recordEvents(db, [visit('dee@lead.example', 'd0', '/pricing', at)], { source: 'api', now: at })).contactIds[0] ?? '';
    await Promise.all([
      ...Array.from({ length: 6 }, (_, i) =>
        recordEvents(db, [visit('dee@lead.example', `d${i + 1}`, '/pricing', at)], { source: 'api', now: at }).then(() =>
          refreshContacts(db, [dee], input(at)),
        ),
      ),
      ...Array.from({ length: 6 }, () => refreshQueuedContacts(db, input(at))),
    ]);
    await refreshQueuedContacts(db, input(at));
    assert.equal((await rollupOf(dee))?.events, 7);
  });

  it('rebuilds the rollups once the segments read other events, and drops the old ones', async () => {
    const trial = segmentOf(`id: trial
name: Trial
rules:
  event: trial_started
`);
    // Two days after cy's visits: still inside the 7-day horizon, so the rebuild reads them.
    const at = new Date(t0.getTime() + 42 * DAY);
    await recordEvents(db, [{ id: 't1', email: 'eve@lead.example', type: 'trial_started', at: at.toISOString() }], {
      source: 'import',
      now: at,
    });
    await refreshQueuedContacts(db, input(at));
    // Under the old segments trial_started is read by nobody: no rollup counts it yet.
    const eve = await contactId('eve@lead.example');
    assert.equal(await rollupOf(eve), null);
    const edited = planRollups([pricing, trial]);
    const report = await refreshAllSegments(db, input(at, [pricing, trial]));
    assert.equal(report.entered, 1);
    assert.equal((await rollupOf(eve, edited.definitions))?.events, 1);
    assert.equal(await db.contactRollups.countDocuments({ definitions: plan.definitions }), 0, 'rollups of the old conditions are deleted');
    assert.equal(
      (await rollupOf(await contactId('cy@lead.example'), edited.definitions))?.events,
      20,
      'the rebuild counts what the old rollups counted',
    );
  });

  it('counts an event once when a fold is cut off after writing, before taking its markers off the queue', async () => {
    const at = new Date(t0.getTime() + 43 * DAY);
    // Rollups built for these segments again (the test before edited them): the fold adds to them.
    await refreshAllSegments(db, input(at));
    await recordEvents(db, [visit('gus@lead.example', 'g1', '/pricing', at), visit('gus@lead.example', 'g2', '/pricing', at)], {
      source: 'api',
      now: at,
    });
    const gus = await contactId('gus@lead.example');
    const queue = db.rollupQueue;
    const cutOff = {
      ...db,
      rollupQueue: new Proxy(queue, {
        get(target, key) {
          if (key === 'deleteMany') return async () => Promise.reject(new Error('worker killed'));
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    };
    await assert.rejects(foldQueuedEvents(cutOff, plan, at), /worker killed/);
    assert.equal((await rollupOf(gus))?.events, 2, 'the rollup was written');
    assert.equal(await db.rollupQueue.countDocuments({ contactId: gus }), 2, 'its markers are still queued');
    const report = await refreshQueuedContacts(db, input(at));
    assert.equal(report.entered, 1, 'the contact is evaluated on the pass that finds the markers');
    assert.equal((await rollupOf(gus))?.events, 2, 'not four');
    assert.equal(await db.rollupQueue.countDocuments({ contactId: gus }), 0);
  });

  it('does not count an event again when it is recorded again after it was folded (a re-import)', async () => {
    const at = new Date(t0.getTime() + 43 * DAY);
    await refreshAllSegments(db, input(at));
    const hal =
      (await recordEvents(db, [visit('hal@lead.example', 'h1', '/pricing', at)], { source: 'import', now: at })).contactIds[0] ?? '';
    await refreshQueuedContacts(db, input(at));
    const later = new Date(at.getTime() + 60_000);
    const again = await recordEvents(db, [visit('hal@lead.example', 'h1', '/pricing', at)], { source: 'import', now: later });
    assert.equal(again.recorded, 0, 'the event is a duplicate');
    await refreshQueuedContacts(db, input(later));
    assert.equal((await rollupOf(hal))?.events, 1);
    assert.equal(await db.rollupQueue.countDocuments({ contactId: hal }), 0);
  });

  it('adds queued events to the stored rollup and ends where a recompute from all the events ends', async () => {
    const rnd = seeded(7);
    const start = new Date(t0.getTime() + 50 * DAY);
    const people = ['ida', 'jo', 'kim'].map((n) => `${n}@lead.example`);
    const urls = ['/pricing', '/pricing/teams', '/blog', '/docs'];
    let now = start;
    await refreshAllSegments(db, input(now));
    for (let round = 0; round < 12; round += 1) {
      now = new Date(now.getTime() + Math.floor(rnd() * 2 * DAY));
      const batch = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => {
        const email = people[Math.floor(rnd() * people.length)] ?? 'ida@lead.example';
        // Some visits arrive late, dated days back (some beyond the 7-day window).
        const when = new Date(now.getTime() - Math.floor(rnd() * 9 * DAY));
        return visit(email, `r${round}-${i}`, urls[Math.floor(rnd() * urls.length)] ?? '/pricing', when);
      });
      await recordEvents(db, batch, { source: 'api', now });
      await refreshQueuedContacts(db, input(now));
    }
    const [condition] = [...plan.conditions.values()];
    assert.ok(condition);
    for (const email of people) {
      const id = await contactId(email);
      const folded = await rollupOf(id);
      const fresh = (await recomputeRollup(db, plan, id, now)).rollup;
      const facts = (tallies: RollupTallies): ReturnType<typeof matchingAt> => matchingAt(condition, tallies[conditionId(condition)], now);
      assert.deepEqual(facts(folded?.conditions ?? {}), facts(fresh.conditions), `${email}: the same count and newest visit in the window`);
    }
  });
});
