import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { OWN_EVENTS, recordOwnEvent } from '../src/events/index.ts';
import { silentLogger } from '../src/logger.ts';
import { addRep } from '../src/reps/index.ts';
import { loadSequences, type Sequence } from '../src/sequences/index.ts';
import { computeStats, outlineOf, readStats, type StatsReport } from '../src/stats/index.ts';
import { FIXTURE_AS_OF, FIXTURE_EXPECTED, FIXTURE_PERIOD, fixtureEnrollments, fixtureEvents, reportShape } from '../src/stats/testing.ts';
import { buildWebServer } from '../src/web/index.ts';
import { runCli } from './support/worker-process.ts';
import { noTransport } from './support/web-client.ts';

const SEQUENCES_DIR = 'test/fixtures/stats-sequences';
const PASSWORD = 'stats test password 123';
const HOSTILE = '<img src=x onerror=alert(1)>';
/** FIXTURE_PERIOD as the CLI and the page say it: a date-only `to` includes that day. */
const MARCH = ['--from', '2026-03-01', '--to', '2026-03-30'];
const MARCH_QUERY = 'from=2026-03-01&to=2026-03-30';

/** A report's numbers without the moment it was read. */
const numbers = (report: StatsReport | Record<string, unknown>) => JSON.parse(JSON.stringify({ ...report, asOf: undefined })) as unknown;

// The metrics on a real database (FerretDB v1, or MONGODB_URL): readStats, `parley stats` as a
// process, and the rep app's stats page and API through fastify.inject, all on one known history.
describe('conversation metrics from the database', () => {
  let testDb: TestDatabase | undefined;
  let db: Database;
  let sequences: ReadonlyMap<string, Sequence>;
  let app: FastifyInstance;
  /** The pure computation on the same documents, as the database read must find them. */
  let expected: StatsReport;

  beforeAll(async () => {
    testDb = await startTestDatabase('stats');
    db = testDb.db;
    const events = fixtureEvents();
    // Two of them the way Parley records them, the rest as stored documents; recording one again is a no-op.
    const [first, ...rest] = events;
    assert.ok(first?.enrollmentId && first.stepId && first.sequenceId);
    const own = {
      type: OWN_EVENTS.sent,
      key: first._id.slice(`${OWN_EVENTS.sent}:`.length),
      contactId: first.contactId,
      at: first.at,
      sequenceId: first.sequenceId,
      stepId: first.stepId,
      enrollmentId: first.enrollmentId,
      props: first.props,
    };
    await recordOwnEvent(db, own);
    await recordOwnEvent(db, own);
    await db.events.insertMany(rest);
    await db.enrollments.insertMany(fixtureEnrollments());
    ({ sequences } = await loadSequences(SEQUENCES_DIR));
    assert.deepEqual([...sequences.keys()], ['empty', 'trial']);
    expected = computeStats({
      period: FIXTURE_PERIOD,
      asOf: FIXTURE_AS_OF,
      sequences: [...sequences.values()].map(outlineOf),
      events,
      enrollments: fixtureEnrollments(),
    });

    await addRep(db, { email: 'mia@parley.test', name: 'Mia Marketer', role: 'rep', password: PASSWORD });
    app = buildWebServer({
      db,
      unsubscribeSecret: undefined,
      logger: silentLogger(),
      repApp: {
        db,
        transport: noTransport,
        getSequence: (id) => sequences.get(id),
        listSequences: () => [...sequences.values()].map((s) => ({ id: s.id, name: s.name })),
        messageIdDomain: 'parley.test',
        sessionSecret: 'stats-test-session-secret-0123456789abcdef',
        secureCookies: false,
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.stop();
  });

  it('reads every metric of the fixture from the database, as worked out by hand', async () => {
    const report = await readStats(db, {
      period: FIXTURE_PERIOD,
      sequences: [...sequences.values()].map(outlineOf),
      now: () => FIXTURE_AS_OF,
    });
    assert.deepEqual(reportShape(report), FIXTURE_EXPECTED);
    assert.deepEqual(
      report.sequences.map((s) => s.sequenceId),
      ['empty', 'trial', 'other'],
    );
    assert.deepEqual(
      report.responseTimes.histogram.map((b) => b.count),
      [2, 0, 1, 1, 0, 1],
    );
    assert.deepEqual(
      report.intentsByDay.filter((d) => d.total > 0).map((d) => d.day),
      ['2026-03-03', '2026-03-06', '2026-03-09', '2026-03-11', '2026-03-30', '2026-04-03'],
    );
    // Everything else too (rates, days, histograms per step): the same as the pure computation.
    assert.deepEqual(report, expected);
  });

  it('reads one sequence, and counts only what had happened at the time of the read', async () => {
    const other = await readStats(db, {
      period: FIXTURE_PERIOD,
      sequences: [...sequences.values()].map(outlineOf),
      sequenceId: 'other',
      now: () => FIXTURE_AS_OF,
    });
    assert.deepEqual(reportShape(other), { other: FIXTURE_EXPECTED.other });
    // Read on 1 April: e6 had not qualified, e8 had not replied.
    const early = await readStats(db, {
      period: FIXTURE_PERIOD,
      sequences: [],
      sequenceId: 'trial',
      now: () => new Date('2026-04-01T00:00:00Z'),
    });
    const trial = early.sequences[0];
    assert.deepEqual([trial?.total.replied, trial?.total.qualified, trial?.steps.find((s) => s.stepId === 'hello')?.replied], [4, 1, 1]);
  });

  it('`parley stats --json` prints the same report', async () => {
    const env = { MONGODB_URL: testDb?.url ?? '', MONGODB_DB: testDb?.name ?? '', SEQUENCES_DIR, LOG_LEVEL: 'silent' };
    const out = await runCli(['stats', ...MARCH, '--json'], env);
    const report = JSON.parse(out) as StatsReport & Record<string, unknown>;
    assert.deepEqual(reportShape(report), FIXTURE_EXPECTED);
    assert.deepEqual(numbers(report), numbers(expected));
    const one = JSON.parse(await runCli(['stats', ...MARCH, '--sequence', 'trial', '--json'], env)) as StatsReport;
    assert.deepEqual(reportShape(one), { trial: FIXTURE_EXPECTED.trial });
  });

  it('`parley stats` prints a table per sequence with the opt-out warning marked, and refuses a bad period', async () => {
    const env = { MONGODB_URL: testDb?.url ?? '', MONGODB_DB: testDb?.name ?? '', SEQUENCES_DIR, LOG_LEVEL: 'silent' };
    const out = await runCli(['stats', ...MARCH], env);
    assert.match(out, /^trial: Trial follow-up$/m);
    assert.match(out, /^ {2}1 hello +7 +6 +1 +2 +33\.3% +16\.7% +16\.7% +16\.7% ! +50\.0% +4m +1d 6h$/m);
    assert.match(out, /^ {2}2 nudge +4 +4 +0 +2 +50\.0% +25\.0% +25\.0% +0\.0% +50\.0% +45m +3h 00m$/m);
    assert.match(out, /^ {2}Total \(people\) +9 +8 +1 +5 +62\.5% +25\.0% +25\.0% +12\.5% ! +40\.0% +45m +1d 6h$/m);
    assert.match(out, /Completion: 2 of 10 enrolled in the period completed \(20\.0%\)/);
    assert.match(out, /! opt-out rate above 3% of delivered/);
    assert.match(out, /^ {2}1 only +0 +0 +0 +0 +– +– +– +– +– +– +–$/m, 'no rates without deliveries');
    assert.match(out, /^other \(no sequence file by this id\)$/m);
    await assert.rejects(runCli(['stats', '--from', '2026-02-30'], env), /parley: "2026-02-30" is not a date/);
    await assert.rejects(runCli(['stats', '--from', '2026-03-01', '--days', '3'], env), /not both/);
  });

  describe('the stats page', () => {
    const cookies = new Map<string, string>();
    const get = (path: string) =>
      app.inject({ method: 'GET', url: path, headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });

    beforeAll(async () => {
      const page = await get('/login');
      for (const c of page.cookies) cookies.set(c.name, c.value);
      const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
      assert.ok(csrf);
      const login = await app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ email: 'mia@parley.test', password: PASSWORD, _csrf: csrf }).toString(),
      });
      assert.equal(login.statusCode, 303);
      for (const c of login.cookies) cookies.set(c.name, c.value);
    });

    it('needs a login', async () => {
      const page = await app.inject({ method: 'GET', url: '/stats' });
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/login');
      assert.equal((await app.inject({ method: 'GET', url: '/api/stats' })).statusCode, 401);
    });

    it('answers the API with the same report', async () => {
      const api = await get(`/api/stats?${MARCH_QUERY}`);
      assert.equal(api.statusCode, 200);
      assert.deepEqual(reportShape(api.json()), FIXTURE_EXPECTED);
      assert.deepEqual(numbers(api.json()), numbers(expected));
      const bad = await get('/api/stats?days=0');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error, 'period_invalid');
    });

    it('shows the tables, the warning and the three charts, as SVG without inline style', async () => {
      const page = await get(`/stats?${MARCH_QUERY}`);
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-security-policy']), /style-src 'self'/);
      const html = page.body;
      assert.match(html, /<a href="\/stats">Stats<\/a>/);
      assert.match(html, /<input type="date" name="from" value="2026-03-01" required>/);
      assert.match(html, /<input type="date" name="to" value="2026-03-30" required>/);
      const hello =
        /<section class="card stats-sequence" data-sequence-id="trial">[\s\S]*?<tr data-step-id="hello">([\s\S]*?)<\/tr>/.exec(html)?.[1] ??
        '';
      const cells = [...hello.matchAll(/<td[^>]*>([^<]*)/g)].map((m) => m[1]?.trim());
      assert.deepEqual(cells.slice(0, 12), ['1. hello', '7', '6', '1', '2', '33.3%', '16.7%', '16.7%', '16.7%', '50.0%', '4m', '1d 6h']);
      assert.match(hello, /<td class="num warn"[^>]*>16\.7% <span class="tag overdue">over 3%<\/span>/);
      assert.match(html, /Completion: 2 of 10 enrolled in the period completed \(20\.0%\)/);
      assert.match(
        html,
        /data-sequence-id="empty"><h2>Nothing sent yet <span class="meta">empty<\/span><\/h2><p class="meta">No emails sent in this period\./,
      );
      for (const id of ['intents-chart', 'response-chart', 'funnel-1']) assert.match(html, new RegExp(`<svg class="chart" id="${id}"`));
      assert.match(html, /<rect class="i-meeting-request" [^>]*><title>2026-03-30: 1 meeting_request<\/title>/);
      assert.match(
        html,
        /<rect class="s-sent" x="150" y="6" width="420" height="9"><title>hello: 7 sent<\/title>/,
        'the most sent fills the bar',
      );
      assert.match(html, /median <strong id="response-median">45m<\/strong> · 90th percentile <strong id="response-p90">1d 6h<\/strong>/);
      assert.doesNotMatch(html, /style=|<style|<script>/);
    });

    it('shows one sequence, and says what is wrong with a period or sequence', async () => {
      const one = await get(`/stats?${MARCH_QUERY}&sequence=trial`);
      assert.equal(one.statusCode, 200);
      assert.deepEqual(
        [...one.body.matchAll(/data-sequence-id="([^"]+)"/g)].map((m) => m[1]),
        ['trial'],
      );
      assert.match(one.body, /<option value="trial" selected>/);
      const bad = await get('/stats?from=2026-03-05&to=2026-03-01');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /<p class="notice" role="status">The period must start before it ends/);
      const unknown = await get(`/stats?sequence=${encodeURIComponent(HOSTILE)}`);
      assert.equal(unknown.statusCode, 400);
      assert.doesNotMatch(unknown.body, /<img/);
    });

    it('escapes what the events say', async () => {
      const at = new Date('2026-03-15T10:00:00Z');
      const hostile = { contactId: 'c-h', at, sequenceId: HOSTILE, stepId: HOSTILE, enrollmentId: 'e-h' };
      await recordOwnEvent(db, { ...hostile, type: OWN_EVENTS.sent, key: 'e-h:x#1', props: { attempt: '1' } });
      await recordOwnEvent(db, { ...hostile, type: OWN_EVENTS.replied, key: 'mid:<h@lead.example>', props: { intent: HOSTILE } });
      const page = await get(`/stats?${MARCH_QUERY}`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /<img/);
      assert.match(page.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
      assert.match(page.body, /<rect class="i-other" /, 'an unknown intent gets the fixed "other" class');
    });
  });
});
