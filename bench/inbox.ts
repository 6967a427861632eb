import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connectDatabase, taskStore, type Database, type RepDoc, type TaskDoc } from '../src/db/index.ts';
import { startFerretDB } from '../src/embedded/index.ts';
import { inboxItems } from '../src/tasks/index.ts';
import { InboxStream } from '../src/web/app/inbox-stream.ts';
import { taskRow } from '../src/web/app/view-models.ts';
import { databaseServed, type BenchRow } from './results.ts';

const ADMIN: RepDoc = {
  _id: 'bench@parley.test',
  name: 'Bench',
  role: 'admin',
  passwordHash: '',
  onDuty: true,
  lead: false,
  createdAt: new Date(),
};
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell'];
const INTENTS = ['interested', 'question', 'meeting_request', 'not_now', 'wrong_person', 'unclear'] as const;

function task(i: number, now: Date): TaskDoc {
  const company = COMPANIES[i % COMPANIES.length] ?? 'Acme';
  return {
    _id: `reply:mid:<bench-${i}@lead.example>`,
    replyId: `mid:<bench-${i}@lead.example>`,
    enrollmentId: `e-${i}`,
    contactId: `c-${i}`,
    email: `lead${i}@${company.toLowerCase()}.example`,
    sequenceId: i % 3 === 0 ? 'trial-follow-up' : 'webinar',
    intent: INTENTS[i % INTENTS.length] ?? 'question',
    confidence: 0.8,
    explanation: 'bench',
    priority: 1 + (i % 5),
    outcome: 'pause_and_task',
    status: 'open',
    createdAt: now,
    dueAt: new Date(now.getTime() + (i - 500) * 60_000),
    ...(i % 2 === 0 && { assignee: ADMIN._id }),
    preview: {
      name: `Lead ${i}`,
      company,
      snippet: `Thanks for the note. How would this work for a team of ${i % 40} at ${company}? Could we talk next week?`,
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;

/**
 * The rep inbox on 1,000 open tasks: (1) one inbox read (`GET /api/tasks`: inboxItems, rows in
 * words) against one plain read of the same tasks, with a search and without; (2) what the server
 * push costs a task write (the signal document) against the same inserts without it; (3) how long
 * after a task write an open event stream hears of it, against the write's own round trip.
 */
export async function benchInbox(count = 1000, pushes = 30): Promise<BenchRow[]> {
  const ferret = process.env.MONGODB_URL ? undefined : await startFerretDB();
  const url = process.env.MONGODB_URL ?? ferret?.url ?? '';
  let db: Database | undefined;
  let server: Server | undefined;
  const stream = { current: undefined as InboxStream | undefined };
  try {
    db = await connectDatabase(url, `parley_bench_inbox_${Date.now()}`);
    const now = new Date();
    const docs = Array.from({ length: count }, (_, i) => task(i, now));
    await db.tasks.insertMany(docs);
    const rows: BenchRow[] = [];
    const served = databaseServed();

    // 1. Reading the inbox.
    const runs = 9;
    const plain: number[] = [];
    const inbox: number[] = [];
    const searched: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await db.tasks.find({}).sort({ dueAt: 1, _id: 1 }).limit(1000).toArray();
      plain.push(performance.now() - t);
      t = performance.now();
      (await inboxItems(db, ADMIN, {}, now)).map((item) => taskRow(item.task, now, item.preview));
      inbox.push(performance.now() - t);
      t = performance.now();
      (await inboxItems(db, ADMIN, { view: 'mine', search: 'acme team' }, now)).map((item) => taskRow(item.task, now, item.preview));
      searched.push(performance.now() - t);
    }
    const base = median(plain);
    rows.push({
      benchmark: `rep inbox read, ${count} open tasks`,
      measure: 'ms, median of 9',
      parley: median(inbox).toFixed(1),
      baseline: `${base.toFixed(1)} (one plain find of the same tasks, sorted by due time)`,
      ratio: `${(median(inbox) / base).toFixed(2)}×`,
      notes: `inboxItems (snoozed/expired-claim refresh, visible tasks soonest due first, previews stored on the tasks) and the rows in words, as GET /api/tasks answers; with the "mine" view and a two-word search: ${median(searched).toFixed(1)} ms (${(median(searched) / base).toFixed(2)}×); ${served}`,
    });

    // 2. What the signal costs a task write.
    const writes = 300;
    const withSignal = taskStore(db);
    const withoutSignal = taskStore({ tasks: db.tasks, taskEvents: db.taskEvents, taskClaims: db.taskClaims });
    const timeInserts = async (store: typeof withSignal, prefix: string) => {
      const t = performance.now();
      for (let i = 0; i < writes; i++) await store.insert({ ...task(i, now), _id: `${prefix}-${i}` });
      return (performance.now() - t) / writes;
    };
    // A warm-up first, then the two alternate: the first inserts into a collection run slower.
    await timeInserts(withoutSignal, 'warm');
    const bareRuns: number[] = [];
    const signalledRuns: number[] = [];
    for (let round = 0; round < 3; round++) {
      bareRuns.push(await timeInserts(withoutSignal, `bare${round}`));
      signalledRuns.push(await timeInserts(withSignal, `signalled${round}`));
    }
    const bare = median(bareRuns);
    const signalled = median(signalledRuns);
    rows.push({
      benchmark: `task write with the inbox signal, ${writes} inserts`,
      measure: 'ms per task',
      parley: signalled.toFixed(2),
      baseline: `${bare.toFixed(2)} (the same inserts without the signal)`,
      ratio: `${(signalled / bare).toFixed(2)}×`,
      notes: `each task write also sets a new token on inbox_signals {_id: 'tasks'} (one update by _id, upsert) so open inboxes hear of it: one more round trip per task write, next to the 11 database commands a reply costs (docs/BENCHMARKS.md, replies from Dovecot), about 3% more; median of 3 alternating rounds after a warm-up; ${served}`,
    });

    // 3. From a task write to the event on an open stream.
    const inboxStream = new InboxStream(db);
    stream.current = inboxStream;
    server = createServer((_req, res) => void inboxStream.open(res));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    const reader = (
      response.body ??
      (() => {
        throw new Error('no stream');
      })()
    ).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextEvent = async () => {
      for (;;) {
        const at = buffer.indexOf('event: tasks');
        if (at >= 0) {
          buffer = buffer.slice(at + 'event: tasks'.length);
          return performance.now();
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value);
      }
    };
    await new Promise((resolve) => setTimeout(resolve, 600));
    buffer = '';
    const latencies: number[] = [];
    const roundTrips: number[] = [];
    for (let i = 0; i < pushes; i++) {
      // Writes land at random points of the 250 ms read cycle.
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
      const started = performance.now();
      const heard = nextEvent();
      await withSignal.insert({ ...task(i, now), _id: `pushed-${i}` });
      roundTrips.push(performance.now() - started);
      latencies.push((await heard) - started);
    }
    await reader.cancel();
    rows.push({
      benchmark: `server push, task write to the event on an open inbox stream (${pushes} writes)`,
      measure: 'ms, median / p95',
      parley: `${median(latencies).toFixed(0)} / ${p95(latencies).toFixed(0)}`,
      baseline: `${median(roundTrips).toFixed(0)} (the write's own round trip, median)`,
      ratio: `${(median(latencies) / median(roundTrips)).toFixed(1)}× (medians)`,
      notes: `one reader per process reads the signal by _id every 250 ms while an inbox is open (so about 125 ms of waiting on average), then tells every open stream; the browser then fetches its rows (the browser test measures the whole way: 85-250 ms from the task's creation to the row on screen); the old inbox polled every 3 s (1.5 s average wait); writes at random points of the read cycle; ${served}`,
    });
    return rows;
  } finally {
    stream.current?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await db?.db.dropDatabase().catch(() => undefined);
    await db?.close();
    await ferret?.stop();
  }
}
