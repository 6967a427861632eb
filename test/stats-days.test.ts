import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Database, EnrollmentStatus, EventDoc } from '../src/db/index.ts';
import { recordOwnEvent, type OwnEvent } from '../src/events/index.ts';
import type { OwnEventType } from '../src/events/types.ts';
import { buildStatsDay, buildStatsDays, computeStats, readStats, type EnrolledRecord, type StatsPeriod } from '../src/stats/index.ts';
import { fixtureEnrollment } from '../src/stats/testing.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { HISTORY_SEQUENCES, randomHistory } from './support/random-stats-history.ts';

const DAY_MS = 86_400_000;
const START = new Date('2026-03-01T00:00:00Z');
/** The summaries are built "on" 9 March, 06:00: up to 8 March the days are closed. */
const BUILT_AT = new Date('2026-03-09T06:00:00Z');
const at = (days: number, ms = 0) => new Date(START.getTime() + days * DAY_MS + ms);

/** An event document as recordOwnEvent takes it (the way Parley records late events). */
function asOwnEvent(doc: EventDoc): OwnEvent {
  const [type, ...key] = doc._id.split(':');
  return {
    type: type as OwnEventType,
    key: key.join(':'),
    contactId: doc.contactId,
    at: doc.at,
    sequenceId: doc.sequenceId,
    stepId: doc.stepId,
    enrollmentId: doc.enrollmentId,
    props: doc.props,
  };
}

/** Periods cutting through days, ending before, at and after the read, on midnights and not. */
const READS: Array<{ period: StatsPeriod; asOf: Date; sequenceId?: string }> = [
  { period: { from: at(1, 5 * 3_600_000 + 17_123), to: at(6, 13 * 3_600_000) }, asOf: at(10) },
  { period: { from: at(0), to: at(8) }, asOf: at(8) },
  { period: { from: at(2), to: at(7, 12 * 3_600_000) }, asOf: at(5, 3 * 3_600_000 + 1) },
  { period: { from: at(0, 1), to: at(9, 7_777) }, asOf: at(9, 7_777), sequenceId: 'beta' },
  { period: { from: at(3), to: at(4) }, asOf: at(11), sequenceId: 'retired' },
  { period: { from: at(-3), to: at(12) }, asOf: at(12) },
];

// The day summaries on a real database (FerretDB v1, or MONGODB_URL): whatever was summarized
// when, and whatever came in late or at the same time as a build, readStats must give exactly
// the report the events themselves give.
describe('stats from day summaries on the database', () => {
  let testDb: TestDatabase | undefined;
  let db: Database;
  /** Every event in the database so far. */
  const stored: EventDoc[] = [];
  let enrollments: EnrolledRecord[] = [];

  const assertSameAsEvents = async (when: string) => {
    for (const read of READS) {
      const options = { period: read.period, sequences: HISTORY_SEQUENCES, sequenceId: read.sequenceId };
      // As the read: the period's sends, and outcomes up to the moment of the read.
      const expected = computeStats({
        ...options,
        asOf: read.asOf,
        events: stored.filter((e) => e.type === 'email_sent' || e.at <= read.asOf),
        enrollments,
      });
      const report = await readStats(db, { ...options, now: () => read.asOf });
      assert.deepEqual(
        report,
        expected,
        `${when}: ${read.period.from.toISOString()}–${read.period.to.toISOString()} as of ${read.asOf.toISOString()} ${read.sequenceId ?? ''}`,
      );
    }
  };

  beforeAll(async () => {
    testDb = await startTestDatabase('stats_days');
    db = testDb.db;
    const history = randomHistory(7, { start: START, days: 9, events: 600 });
    enrollments = history.enrollments;
    // What was there before the summaries (an upgrade): stored documents, no markers.
    stored.push(...history.events);
    await db.events.insertMany(history.events);
    await db.enrollments.insertMany(
      enrollments.map((e, i) => fixtureEnrollment(`enr-${i}`, e.sequenceId, e.status as EnrollmentStatus, e.enrolledAt)),
    );
  });
  afterAll(async () => {
    await testDb?.stop();
  });

  it('reads the same report before and after the summaries are built', async () => {
    await assertSameAsEvents('no summaries');
    // A stopping worker builds no further day; what it left is built by the next run.
    const stopping = new AbortController();
    stopping.abort();
    assert.equal((await buildStatsDays(db, { now: BUILT_AT, horizonDays: 12, stopping: stopping.signal })).built, 0);
    const report = await buildStatsDays(db, { now: BUILT_AT, horizonDays: 12 });
    // 25 Feb (the horizon) to 8 March; the 9th is still open.
    assert.deepEqual(report.days.at(0), '2026-02-25');
    assert.deepEqual(report.days.at(-1), '2026-03-08');
    assert.equal(report.built, report.days.length);
    assert.equal(await db.statsDays.countDocuments({}), report.days.length);
    await assertSameAsEvents('summaries built');
    // A second build finds nothing to do.
    assert.deepEqual((await buildStatsDays(db, { now: BUILT_AT, horizonDays: 12 })).days, []);
  });

  it('counts late events (a day already summarized) at once, and folds them in at the next build', async () => {
    // Late outcomes for summarized days' sends, sends and outcomes filed on summarized days, and today's.
    const late = randomHistory(8, { start: at(2), days: 7, events: 150, idPrefix: 'late' }).events.filter(
      (e) => e.enrollmentId !== undefined && e.type !== 'page_visited',
    );
    // Same enrollments as the first history, so the late outcomes belong to its sends.
    const relabel = (e: EventDoc): EventDoc => ({ ...e, enrollmentId: e.enrollmentId?.replace(/^late-/, 'h7-') });
    const events = late.map(relabel);
    for (const event of events) await recordOwnEvent(db, asOwnEvent(event));
    stored.push(...(await db.events.find({ _id: { $in: events.map((e) => e._id) } }).toArray()));
    assert.ok((await db.statsQueue.countDocuments({})) > 0);
    await assertSameAsEvents('late events, summaries stale');

    const rebuilt = await buildStatsDays(db, { now: BUILT_AT, horizonDays: 12 });
    assert.ok(rebuilt.built > 0);
    // Only the markers of days still open are left.
    const left = await db.statsQueue.find({}).toArray();
    assert.ok(
      left.every((m) => m.day >= '2026-03-09'),
      JSON.stringify(left.map((m) => m.day)),
    );
    // One version per day, and only its parts.
    const heads = await db.statsDays.find({}).toArray();
    assert.equal(new Set(heads.map((h) => h.day)).size, heads.length);
    assert.ok(heads.some((h) => h.version > 1));
    assert.equal(
      await db.statsDayParts.countDocuments({}),
      heads.reduce((n, h) => n + h.parts.length, 0),
    );
    await assertSameAsEvents('late events folded in');
  });

  it('stays exact when two workers build while events are recorded', async () => {
    const more = randomHistory(9, { start: at(0), days: 9, events: 120, idPrefix: 'race' })
      .events.filter((e) => e.enrollmentId !== undefined && e.type !== 'page_visited')
      .map((e) => ({ ...e, enrollmentId: e.enrollmentId?.replace(/^race-/, 'h7-') }));
    const record = async () => {
      for (const event of more) await recordOwnEvent(db, asOwnEvent(event));
    };
    await Promise.all([
      record(),
      buildStatsDays(db, { now: BUILT_AT, horizonDays: 12 }),
      buildStatsDays(db, { now: BUILT_AT, horizonDays: 12 }),
      buildStatsDay(db, '2026-03-03', BUILT_AT),
      buildStatsDay(db, '2026-03-03', BUILT_AT),
    ]);
    stored.push(...(await db.events.find({ _id: { $in: more.map((e) => e._id) } }).toArray()));
    await assertSameAsEvents('after concurrent builds and records');
    await buildStatsDays(db, { now: BUILT_AT, horizonDays: 12 });
    const heads = await db.statsDays.find({}).toArray();
    assert.equal(new Set(heads.map((h) => h.day)).size, heads.length);
    assert.equal(
      await db.statsDayParts.countDocuments({}),
      heads.reduce((n, h) => n + h.parts.length, 0),
    );
    await assertSameAsEvents('after the next build');
  });

  it('reads a day from its events when the summary it picked was superseded during the read', async () => {
    // As if a newer build removed these parts between the read's look at the heads and its fetch.
    const head = await db.statsDays.findOne({ day: '2026-03-04' });
    assert.ok(head && head.parts.length > 0);
    const parts = await db.statsDayParts.find({ _id: { $in: head.parts.map((p) => p.id) } }).toArray();
    await db.statsDayParts.deleteMany({ _id: { $in: head.parts.map((p) => p.id) } });
    await assertSameAsEvents('parts gone');
    await db.statsDayParts.insertMany(parts);
  });
});
