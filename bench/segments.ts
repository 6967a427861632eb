import { randomUUID } from 'node:crypto';
import { connectDatabase, type ContactDoc, type Database, type EventDoc } from '../src/db/index.ts';
import { startFerretDB } from '../src/embedded/index.ts';
import { recordEvents } from '../src/events/index.ts';
import { loadSegments, refreshAllSegments, refreshContacts } from '../src/segments/index.ts';
import { loadSequences } from '../src/sequences/index.ts';
import { outlineOf, readStats } from '../src/stats/index.ts';
import { seeded } from '../test/support/random.ts';
import type { BenchRow } from './results.ts';

const DAY = 24 * 60 * 60 * 1000;
const INTENTS = ['interested', 'meeting_request', 'question', 'not_now', 'not_interested', 'wrong_person', 'unclear', 'unsubscribe'];

/**
 * Seeds `contacts` contacts and `events` events (page visits to pricing, blog and docs pages,
 * logins, trials, replies, sends, spread over 60 days), then measures the repo's segments
 * (segments/*.yaml) and sequences: a full refresh that enters thousands of contacts and enrolls
 * them, a second one with nothing to change, and the event path for 1,000 fresh events.
 * Baseline: one plain driver read of the same events (what any refresh has to pay at least).
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
  for (let i = 0; i < contacts; i += 5000) {
    const docs: ContactDoc[] = [];
    for (let j = i; j < Math.min(i + 5000, contacts); j++) {
      const id = randomUUID();
      contactIds.push(id);
      docs.push({ _id: id, email: `lead${j}@bench.example`, firstName: `Lead${j}`, company: j % 3 ? `Company ${j % 997}` : undefined, fields: { plan: j % 4 ? 'free' : 'pro' }, createdAt: now, updatedAt: now });
    }
    await db.contacts.insertMany(docs, { ordered: false });
  }
  const pages = ['/pricing', '/pricing/teams', '/blog/conversations', '/blog/cold-email', '/docs/start', '/docs/segments'];
  for (let i = 0; i < events; i += 10_000) {
    const docs: EventDoc[] = [];
    for (let j = i; j < Math.min(i + 10_000, events); j++) {
      const r = rnd();
      // Skewed: a few contacts are very active, most visit now and then.
      const contactId = contactIds[Math.floor(contacts * rnd() ** 2)] ?? contactIds[0]!;
      const at = new Date(now.getTime() - Math.floor(rnd() * 60 * DAY));
      const intent = INTENTS[Math.floor(rnd() * INTENTS.length)]!;
      const [type, props]: [string, Record<string, string>] =
        r < 0.55 ? ['page_visited', { url: pages[Math.floor(rnd() * pages.length)]!, title: 'Page' }]
        : r < 0.65 ? ['logged_in', {}]
        : r < 0.67 ? ['trial_started', {}]
        : r < 0.87 ? ['email_sent', { attempt: '1' }]
        : r < 0.93 ? ['replied', { intent }]
        : r < 0.94 ? ['email_bounced', { kind: rnd() < 0.7 ? 'hard' : 'soft' }]
        : r < 0.945 ? ['unsubscribed', { via: 'reply' }]
        : r < 0.97 ? ['task_answered', { response_ms: String(Math.floor(rnd() * 2 * DAY)) }]
        : r < 0.975 ? ['qualified', { by: 'parley' }]
        : ['feature_used', { feature: 'segments' }];
      // Parley's own events belong to a conversation: a sequence, a step, an enrollment.
      const own = !['page_visited', 'logged_in', 'trial_started', 'feature_used'].includes(type);
      const sequence = sequences[j % sequences.length]!;
      const conversation = own ? { sequenceId: sequence.id, stepId: sequence.stepIds[j % sequence.stepIds.length], enrollmentId: `${contactId}:${sequence.id}` } : {};
      docs.push({ _id: `${own ? type : 'ext'}:bench-${j}`, contactId, type, at, source: own ? 'parley' : 'import', props, ...conversation, receivedAt: at });
    }
    await db.events.insertMany(docs, { ordered: false });
  }
  return { contactIds, seedMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Peak RSS while `work` runs, sampled every 50 ms. */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = process.hrtime.bigint();
  try {
    const value = await work();
    return { value, ms: Number(process.hrtime.bigint() - start) / 1e6, peakMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

export async function openBenchDatabase(name: string) {
  const ferret = process.env.MONGODB_URL ? undefined : await startFerretDB();
  const db = await connectDatabase(process.env.MONGODB_URL ?? ferret!.url, `parley_bench_${name}_${Date.now()}`);
  const served = process.env.MONGODB_URL ? 'MongoDB' : 'FerretDB v1.24 (SQLite; only _id filters pushed down, so every other query scans)';
  return { db, served, close: async () => { await db.db.dropDatabase().catch(() => undefined); await db.close(); await ferret?.stop(); } };
}

/** One plain driver read of every event, the baseline the refresh is measured against. */
export async function readAllEvents(db: Database): Promise<number> {
  const start = process.hrtime.bigint();
  let n = 0;
  for await (const _ of db.events.find({}, { projection: { contactId: 1, type: 1, at: 1, props: 1 }, batchSize: 5000 })) n += 1;
  if (n === 0) throw new Error('no events to read');
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function benchSegments(contacts: number, events: number): Promise<BenchRow[]> {
  const { db, served, close } = await openBenchDatabase('segments');
  try {
    const now = new Date();
    const { segments: loaded, problems } = await loadSegments('segments');
    const { sequences } = await loadSequences('sequences');
    const outlines = [...sequences.values()].map(outlineOf);
    const { contactIds, seedMs } = await seedBehaviour(db, contacts, events, now, outlines.map((o) => ({ id: o.id, stepIds: o.stepIds })));
    if (problems.length > 0 || loaded.size === 0) throw new Error('the repo segments do not load');
    const input = { segments: [...loaded.values()], sequences: [...sequences.values()], now };

    console.error(`bench: seeded ${contacts} contacts and ${events} events in ${(seedMs / 1000).toFixed(0)} s`);
    const baselineMs = await readAllEvents(db);

    const first = await withPeakRss(() => refreshAllSegments(db, input));
    console.error(`bench: first refresh ${(first.ms / 1000).toFixed(1)} s`, first.value);
    const second = await withPeakRss(() => refreshAllSegments(db, input));

    // 1,000 new events for 1,000 contacts, through the recorder and the per-contact path.
    const fresh = contactIds.slice(0, 1000).map((_, i) => ({ id: `fresh-${i}`, email: `lead${i}@bench.example`, type: 'page_visited', props: { url: '/pricing' } }));
    const eventPath = await withPeakRss(async () => {
      const recorded = await recordEvents(db, fresh, { source: 'api', now });
      return refreshContacts(db, recorded.contactIds, input);
    });
    const period = { from: new Date(now.getTime() - 30 * DAY), to: now };
    const stats = await withPeakRss(() => readStats(db, { period, sequences: outlines, now: () => now }));
    const counted = stats.value.sequences.reduce((n, s) => n + s.total.sent, 0);
    const scale = `${contacts.toLocaleString('en')} contacts, ${events.toLocaleString('en')} events`;
    const ratio = (ms: number) => `${(ms / baselineMs).toFixed(1)}×`;
    const baseline = `${(baselineMs / 1000).toFixed(1)} s (one plain read of the events)`;
    return [
      {
        benchmark: `segment refresh, first (${scale})`,
        measure: 's',
        parley: (first.ms / 1000).toFixed(1),
        baseline,
        ratio: ratio(first.ms),
        notes: `${loaded.size} segments; ${first.value.entered} entered, ${first.value.enrolled} enrolled; peak RSS ${first.peakMiB} MiB; ${served}; seeding took ${(seedMs / 1000).toFixed(0)} s`,
      },
      {
        benchmark: `segment refresh, nothing to change (${scale})`,
        measure: 's',
        parley: (second.ms / 1000).toFixed(1),
        baseline,
        ratio: ratio(second.ms),
        notes: `${second.value.entered + second.value.exited} changes; peak RSS ${second.peakMiB} MiB; bottleneck: reading the events from the database (the in-memory matching is a small share)`,
      },
      {
        benchmark: `event path, 1,000 new events (${scale})`,
        measure: 's',
        parley: (eventPath.ms / 1000).toFixed(1),
        baseline,
        ratio: ratio(eventPath.ms),
        notes: `record + re-evaluate 1,000 contacts in batches of 500; ${eventPath.value.entered} entered; peak RSS ${eventPath.peakMiB} MiB; on FerretDB each batch scans the events (contactId is indexed on MongoDB)`,
      },
      {
        benchmark: `parley stats, last 30 days (${scale})`,
        measure: 's',
        parley: (stats.ms / 1000).toFixed(1),
        baseline,
        ratio: ratio(stats.ms),
        notes: `${outlines.length} sequences, ${counted.toLocaleString('en')} people sent to; peak RSS ${stats.peakMiB} MiB; reads the period's sends, then their outcomes: two passes over the events on FerretDB (an index on type+at serves both on MongoDB)`,
      },
    ];
  } finally {
    await close();
  }
}
