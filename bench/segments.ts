import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connectDatabase, type ContactDoc, type Database, type EventDoc } from '../src/db/index.ts';
import { startFerretDB } from '../src/embedded/index.ts';
import { loadSegments, planRollups, type RefreshReport } from '../src/segments/index.ts';
import { loadSequences } from '../src/sequences/index.ts';
import { buildStatsDays, outlineOf, SUMMARY_HORIZON_DAYS, type SequenceOutline } from '../src/stats/index.ts';
import { seeded } from '../test/support/random.ts';
import { runBenchChild } from './child-rss.ts';
import { databaseServed, type BenchRow } from './results.ts';

const DAY = 24 * 60 * 60 * 1000;
/** Documents per seeding insertMany: big batches, the bulk path. */
const SEED_BATCH = 10_000;
const INTENTS = ['interested', 'meeting_request', 'question', 'not_now', 'not_interested', 'wrong_person', 'unclear', 'unsubscribe'];

/**
 * Seeds `contacts` contacts and `events` events (page visits to pricing, blog and docs pages,
 * logins, trials, replies, sends, spread over 60 days) with big insertMany batches, then measures
 * the repo's segments (segments/*.yaml) and sequences: the rollup rebuild (the bulk path), a full
 * refresh that enters thousands of contacts and enrolls them, a second one with nothing to change,
 * the event path for 1,000 fresh events, and `parley stats` for 30 days. Each against a plain
 * driver read or write of what it has to touch at least, measured in the same run.
 */
export async function seedBehaviour(
  db: Database,
  contacts: number,
  events: number,
  now: Date,
  sequences: ReadonlyArray<{ id: string; stepIds: readonly string[] }> = [{ id: 'seq', stepIds: ['one', 'two'] }],
): Promise<{ contactIds: string[]; seedMs: number }> {
  const rnd = seeded(42);
  const contactIds: string[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < contacts; i += SEED_BATCH) {
    const docs: ContactDoc[] = [];
    for (let j = i; j < Math.min(i + SEED_BATCH, contacts); j++) {
      const id = randomUUID();
      contactIds.push(id);
      docs.push({
        _id: id,
        email: `lead${j}@bench.example`,
        firstName: `Lead${j}`,
        company: j % 3 ? `Company ${j % 997}` : undefined,
        fields: { plan: j % 4 ? 'free' : 'pro' },
        createdAt: now,
        updatedAt: now,
      });
    }
    await db.contacts.insertMany(docs, { ordered: false });
  }
  const pages = ['/pricing', '/pricing/teams', '/blog/conversations', '/blog/cold-email', '/docs/start', '/docs/segments'];
  for (let i = 0; i < events; i += SEED_BATCH) {
    const docs: EventDoc[] = [];
    for (let j = i; j < Math.min(i + SEED_BATCH, events); j++) {
      const r = rnd();
      // Skewed: a few contacts are very active, most visit now and then.
      const contactId = contactIds[Math.floor(contacts * rnd() ** 2)] ?? contactIds[0]!;
      const at = new Date(now.getTime() - Math.floor(rnd() * 60 * DAY));
      const intent = INTENTS[Math.floor(rnd() * INTENTS.length)]!;
      const [type, props]: [string, Record<string, string>] =
        r < 0.55
          ? ['page_visited', { url: pages[Math.floor(rnd() * pages.length)]!, title: 'Page' }]
          : r < 0.65
            ? ['logged_in', {}]
            : r < 0.67
              ? ['trial_started', {}]
              : r < 0.87
                ? ['email_sent', { attempt: '1' }]
                : r < 0.93
                  ? ['replied', { intent }]
                  : r < 0.94
                    ? ['email_bounced', { kind: rnd() < 0.7 ? 'hard' : 'soft' }]
                    : r < 0.945
                      ? ['unsubscribed', { via: 'reply' }]
                      : r < 0.97
                        ? ['task_answered', { response_ms: String(Math.floor(rnd() * 2 * DAY)) }]
                        : r < 0.975
                          ? ['qualified', { by: 'parley' }]
                          : ['feature_used', { feature: 'segments' }];
      // Parley's own events belong to a conversation: a sequence, a step, an enrollment.
      const own = !['page_visited', 'logged_in', 'trial_started', 'feature_used'].includes(type);
      const sequence = sequences[j % sequences.length]!;
      const conversation = own
        ? { sequenceId: sequence.id, stepId: sequence.stepIds[j % sequence.stepIds.length], enrollmentId: `${contactId}:${sequence.id}` }
        : {};
      docs.push({
        _id: `${own ? type : 'ext'}:bench-${j}`,
        contactId,
        type,
        at,
        source: own ? 'parley' : 'import',
        props,
        ...conversation,
        receivedAt: at,
      });
    }
    await db.events.insertMany(docs, { ordered: false });
  }
  return { contactIds, seedMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

// A full collection before each measured step, so its peak RSS is its own, not the garbage of the seeding before it.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Peak RSS while `work` runs, sampled every 50 ms. */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; peakMiB: number }> {
  collectGarbage();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = process.hrtime.bigint();
  try {
    const value = await work();
    return {
      value,
      ms: Number(process.hrtime.bigint() - start) / 1e6,
      peakMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
    };
  } finally {
    clearInterval(timer);
  }
}

export async function openBenchDatabase(name: string) {
  const ferret = process.env.MONGODB_URL ? undefined : await startFerretDB();
  const url = process.env.MONGODB_URL ?? ferret!.url;
  const database = `parley_bench_${name}_${Date.now()}`;
  const db = await connectDatabase(url, database);
  return {
    db,
    url,
    database,
    served: databaseServed(),
    close: async () => {
      await db.db.dropDatabase().catch(() => undefined);
      await db.close();
      await ferret?.stop();
    },
  };
}

/** seedBehaviour in a child process (bench/seed-child.ts): its memory is not the measured work's. */
async function seedInChild(
  url: string,
  database: string,
  contacts: number,
  events: number,
  now: Date,
  sequences: ReadonlyArray<{ id: string; stepIds: readonly string[] }>,
): Promise<number> {
  const { seedMs } = await runBenchChild<{ seedMs: number }>('seed-child.ts', [
    url,
    database,
    String(contacts),
    String(events),
    String(now.getTime()),
    JSON.stringify(sequences),
  ]);
  return seedMs;
}

/** Milliseconds of `read`, which streams a cursor to the end; throws when it read nothing (a baseline of nothing means nothing). */
async function timedRead(what: string, read: () => AsyncIterable<unknown>): Promise<{ ms: number; n: number }> {
  const start = process.hrtime.bigint();
  let n = 0;
  for await (const _ of read()) n += 1;
  if (n === 0) throw new Error(`baseline read no ${what}`);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, n };
}

/** One plain driver read of every event, the baseline a rebuild of the rollups is measured against. */
export async function readAllEvents(db: Database): Promise<number> {
  const read = await timedRead('events', () =>
    db.events.find({}, { projection: { contactId: 1, type: 1, at: 1, props: 1 }, batchSize: 5000 }),
  );
  return read.ms;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const ratioOf = (ms: number, baselineMs: number) => `${(ms / baselineMs).toFixed(1)}×`;

export async function benchSegments(contacts: number, events: number): Promise<BenchRow[]> {
  const { db, url, database, served, close } = await openBenchDatabase('segments');
  try {
    const now = new Date();
    const { segments: loaded, problems } = await loadSegments('segments');
    const { sequences } = await loadSequences('sequences');
    const outlines = [...sequences.values()].map(outlineOf);
    const seedMs = await seedInChild(
      url,
      database,
      contacts,
      events,
      now,
      outlines.map((o) => ({ id: o.id, stepIds: o.stepIds })),
    );
    if (problems.length > 0 || loaded.size === 0) throw new Error('the repo segments do not load');
    const plan = planRollups([...loaded.values()]);
    console.error(`bench: seeded ${contacts} contacts and ${events} events in ${seconds(seedMs)} s`);

    // Rollups for the seeded events: the bulk path (one streamed pass over the events), as after a segment edit.
    const eventsBaselineMs = await readAllEvents(db);
    const rebuild = await segmentJobInChild<{ contacts: number }>(url, database, 'rebuild', now);
    console.error(`bench: rollup rebuild ${seconds(rebuild.ms)} s`, rebuild.value);

    // What a refresh has to read at least: every contact and every rollup, plainly.
    const refreshBaseline = await refreshFloor(db, plan.definitions);
    const first = await segmentJobInChild<RefreshReport>(url, database, 'refresh', now);
    console.error(`bench: first refresh ${seconds(first.ms)} s`, first.value);
    const second = await segmentJobInChild<RefreshReport>(url, database, 'refresh', now);
    console.error(`bench: nothing-to-change refresh ${seconds(second.ms)} s`, second.value);

    // 1,000 new events for 1,000 contacts through the real recorder (which queues them for the
    // rollups), then the worker's event pass (refreshQueuedContacts) folds and re-evaluates them.
    const freshCount = Math.min(1000, contacts);
    const insertBaseline = await plainInsert(db, freshCount, now);
    const eventPath = await segmentJobInChild<RefreshReport & { left: number }>(url, database, 'event-path', now, freshCount);
    console.error(`bench: event path ${seconds(eventPath.ms)} s`, eventPath.value);

    const period = { from: new Date(now.getTime() - 30 * DAY), to: now };
    const statsBaseline = await statsFloor(db, period, now);
    // The day summaries stats read, built as the worker's stats-days job does after midnight (here
    // every seeded day at once, as on the first run after an upgrade); timed on its own.
    const summaryBuild = await withPeakRss(() => buildStatsDays(db, { now }));
    console.error(`bench: stats day summaries built in ${seconds(summaryBuild.ms)} s`, {
      built: summaryBuild.value.built,
      lost: summaryBuild.value.lost,
    });
    const stats = await statsInChild(url, database, period, now, outlines);
    console.error(
      `bench: stats ${seconds(stats.ms)} s (peak RSS ${stats.peakMiB} MiB), ${stats.sent} sent; from the events alone ${seconds(stats.eventsOnlyMs)} s (peak RSS ${stats.peakBothMiB} MiB), the same report`,
    );

    const scale = `${contacts.toLocaleString('en')} contacts, ${events.toLocaleString('en')} events`;
    const eventsBaseline = `${seconds(eventsBaselineMs)} s (one plain read of every event)`;
    const refreshBaselineText = `${seconds(refreshBaseline.ms)} s (one plain read of the ${refreshBaseline.n.toLocaleString('en')} contacts and rollups)`;
    return [
      {
        benchmark: `rollup rebuild (${scale})`,
        measure: 's',
        parley: seconds(rebuild.ms),
        baseline: eventsBaseline,
        ratio: ratioOf(rebuild.ms, eventsBaselineMs),
        notes: `rebuildRollups: one streamed pass over the events of the ${plan.types.length} types the ${loaded.size} segments read (${plan.conditions.size} conditions), ${rebuild.value.contacts.toLocaleString('en')} rollups inserted; runs once after an edit changes the segments' event conditions (and here as the bulk path after seeding); peak RSS ${rebuild.peakMiB} MiB (a process of its own); ${served}; seeding took ${seconds(seedMs)} s (insertMany of 10,000, in a child process)`,
      },
      {
        benchmark: `segment refresh, first (${scale})`,
        measure: 's',
        parley: seconds(first.ms),
        baseline: refreshBaselineText,
        ratio: ratioOf(first.ms, refreshBaseline.ms),
        notes: `${loaded.size} segments; ${first.value.entered} entered, ${first.value.enrolled} enrolled; reads rollups, contacts, memberships and enrollments, never events, a slice of 1,000 contacts at a time; peak RSS ${first.peakMiB} MiB (a process of its own, as the worker's job runs); ${served}`,
      },
      {
        benchmark: `segment refresh, nothing to change (${scale})`,
        measure: 's',
        parley: seconds(second.ms),
        baseline: refreshBaselineText,
        ratio: ratioOf(second.ms, refreshBaseline.ms),
        notes: `${second.value.entered + second.value.exited} changes; peak RSS ${second.peakMiB} MiB (a process of its own); ${served}`,
      },
      {
        benchmark: `event path, 1,000 new events (${scale})`,
        measure: 's',
        parley: seconds(eventPath.ms),
        baseline: `${seconds(insertBaseline)} s (one plain insertMany of 1,000 events)`,
        ratio: ratioOf(eventPath.ms, insertBaseline),
        notes: `recordEvents (queues each event for its contact's rollup, then inserts it) + refreshQueuedContacts (the worker's event pass, under its lease: the queued events added to each contact's stored rollup, 500 contacts at a time, then re-evaluated), for the 1,000 busiest contacts; ${eventPath.value.contacts} contacts evaluated, ${eventPath.value.entered} entered, ${eventPath.value.left} markers left; peak RSS ${eventPath.peakMiB} MiB (a process of its own); ${served}`,
      },
      {
        benchmark: `parley stats, last 30 days (${scale})`,
        measure: 's',
        parley: seconds(stats.ms),
        baseline: `${seconds(statsBaseline.ms)} s (one plain read of the period's ${statsBaseline.n.toLocaleString('en')} sends and outcomes)`,
        ratio: ratioOf(stats.ms, statsBaseline.ms),
        notes: `${outlines.length} sequences, ${stats.sent.toLocaleString('en')} people sent to; readStats reads whole closed days from their summaries (stats_days) and only the period's cut-off first day and today from the events, by the indexed {type, at} range; the same report from the events alone took ${seconds(stats.eventsOnlyMs)} s (peak RSS ${stats.peakBothMiB} MiB over both reads); peak RSS ${stats.peakMiB} MiB (a process of its own, as \`parley stats\` runs); ${served}`,
      },
      {
        benchmark: `stats day summaries, first build (${scale})`,
        measure: 's',
        parley: seconds(summaryBuild.ms),
        baseline: `${seconds(statsBaseline.ms)} s (one plain read of the period's ${statsBaseline.n.toLocaleString('en')} sends and outcomes)`,
        ratio: ratioOf(summaryBuild.ms, statsBaseline.ms),
        notes: `buildStatsDays: ${summaryBuild.value.built} days (the 60 seeded and the empty rest of the ${SUMMARY_HORIZON_DAYS}-day horizon) from their events, as the worker's stats-days job does once after an upgrade; afterwards it builds one closed day a night, and again any day a late event came in for; peak RSS ${summaryBuild.peakMiB} MiB (bench process); ${served}`,
      },
    ];
  } finally {
    await close();
  }
}

/** One segment job (bench/segments-child.ts) in a process of its own: its time and its peak RSS. */
async function segmentJobInChild<T>(
  url: string,
  database: string,
  job: 'rebuild' | 'refresh' | 'event-path',
  now: Date,
  events?: number,
): Promise<{ ms: number; peakMiB: number; value: T }> {
  return runBenchChild(`segments-child.ts`, [url, database, job, String(now.getTime()), ...(events === undefined ? [] : [String(events)])]);
}

/** `parley stats` in a process of its own (bench/stats-child.ts): its time, its peak RSS, and the same read from the events alone. */
async function statsInChild(
  url: string,
  database: string,
  period: { from: Date; to: Date },
  now: Date,
  outlines: readonly SequenceOutline[],
) {
  return runBenchChild<{ ms: number; peakMiB: number; eventsOnlyMs: number; peakBothMiB: number; sent: number }>('stats-child.ts', [
    url,
    database,
    String(period.from.getTime()),
    String(period.to.getTime()),
    String(now.getTime()),
    JSON.stringify(outlines),
  ]);
}

/** The floor of a full refresh: every contact and every rollup of the plan, read plainly. */
async function refreshFloor(db: Database, definitions: string): Promise<{ ms: number; n: number }> {
  const contactsRead = await timedRead('contacts', () => db.contacts.find({}, { projection: { _id: 1, email: 1 }, batchSize: 5000 }));
  const rollupsRead = await timedRead('rollups', () =>
    db.contactRollups.find({ definitions }, { projection: { contactId: 1, conditions: 1 }, batchSize: 5000 }),
  );
  return { ms: contactsRead.ms + rollupsRead.ms, n: contactsRead.n + rollupsRead.n };
}

/** The floor of the event path: the same number of events inserted with one plain insertMany (then removed). */
async function plainInsert(db: Database, n: number, now: Date): Promise<number> {
  const docs: EventDoc[] = Array.from({ length: n }, (_, i) => ({
    _id: `baseline:${i}`,
    contactId: `baseline-${i}`,
    type: 'page_visited',
    at: now,
    source: 'import',
    props: { url: '/pricing' },
    receivedAt: now,
  }));
  const start = process.hrtime.bigint();
  await db.events.insertMany(docs, { ordered: false });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await db.events.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
  return ms;
}

/** The floor of `parley stats`: the period's sends and outcomes, read plainly by the same ranges. */
async function statsFloor(db: Database, period: { from: Date; to: Date }, now: Date): Promise<{ ms: number; n: number }> {
  const sends = await timedRead('sends', () =>
    db.events.find({ type: 'email_sent', at: { $gte: period.from, $lt: period.to } }, { projection: { _id: 1 }, batchSize: 2000 }),
  );
  const outcomes = await timedRead('outcomes', () =>
    db.events.find(
      { type: { $in: ['email_bounced', 'replied', 'unsubscribed', 'qualified', 'task_answered'] }, at: { $gte: period.from, $lte: now } },
      { projection: { _id: 1 }, batchSize: 2000 },
    ),
  );
  return { ms: sends.ms + outcomes.ms, n: sends.n + outcomes.n };
}
