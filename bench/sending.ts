import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CommandStartedEvent, Document, MongoClient } from 'mongodb';
import nodemailer from 'nodemailer';
import { loadConfig, type Config } from '../src/config.ts';
import { connectDatabase, type ContactDoc, type Database, type DeliveryDoc, type EnrollmentDoc } from '../src/db/index.ts';
import { startFerretDB, startSmtpSink, type SmtpSink } from '../src/embedded/index.ts';
import { silentLogger } from '../src/logger.ts';
import {
  createSmtpTransport,
  StepSender,
  UNSET_STEP_MESSAGE_ID_DOMAIN,
  type MailTransport,
  type SendRunResult,
} from '../src/sending/index.ts';
import { parseSequence, type Sequence } from '../src/sequences/index.ts';
import { databaseServed, type BenchRow } from './results.ts';
import { withPeakRss } from './segments.ts';

const WEEK = 7 * 24 * 60 * 60 * 1000;
/** Enrollments in the small database that isolates the database-size effect. */
export const SMALL_SIZE = 1_000;

/**
 * One step, any day and hour, caps far above the bench's volume: every due enrollment sends
 * exactly once and then completes, so nothing the gate or a second step does blurs the figure.
 * The body is about the size of the example sequences' first emails.
 */
const BENCH_SEQUENCE = `
id: bench-sending
name: Bench sending
sender: { name: Dana from Parley, address: dana@parley.bench }
policy:
  send_days: [mon, tue, wed, thu, fri, sat, sun]
  send_hours: { start: "00:00", end: "24:00" }
  mailbox_caps: { per_hour: 1000000, per_day: 1000000 }
steps:
  - id: hello
    subject: "Quick question about {{ company | default: 'your team' }}"
    body: |
      Hi {{ first_name | default: "there" }},

      I saw that {{ company | default: "your team" }} started a trial last week. Most teams who
      try Parley want to answer customers faster without hiring, and a few want their follow-ups
      to stop sounding like a robot wrote them.

      Which of those is closer to what you are after? Just reply to this email, a line is plenty.

      Dana
`;

export function benchSequence(): Sequence {
  const parsed = parseSequence(BENCH_SEQUENCE, 'bench/sending.ts');
  if (!parsed.ok) throw new Error('the bench sequence does not parse');
  return parsed.sequence;
}

/** Parley's defaults from src/config.ts, pointed at the sink; SMTP_POOL_CONNECTIONS, SEND_BATCH_SIZE and SEND_INTERVAL_MS may be set. */
export function benchConfig(sink: SmtpSink): Config {
  const passed = Object.fromEntries(
    ['SMTP_POOL_CONNECTIONS', 'SEND_BATCH_SIZE', 'SEND_CONCURRENCY', 'SEND_INTERVAL_MS'].flatMap((k) =>
      process.env[k] ? [[k, process.env[k]]] : [],
    ),
  );
  return loadConfig({
    ...passed,
    SMTP_HOST: sink.host,
    SMTP_PORT: String(sink.port),
    PARLEY_INSECURE_LOCAL_MAIL: 'true',
    MESSAGE_ID_DOMAIN: 'parley.bench',
  });
}

/** Driver-side duration of every command, by command, collection and whether the filter is `_id` alone. */
export class CommandTimes {
  readonly byTarget = new Map<string, { count: number; ms: number }>();
  readonly #targets = new Map<number, string>();

  constructor(client: MongoClient) {
    client.on('commandStarted', (e) => this.#targets.set(e.requestId, targetOf(e)));
    const finished = (e: { requestId: number; duration: number }) => {
      const target = this.#targets.get(e.requestId);
      this.#targets.delete(e.requestId);
      if (target === undefined) return;
      const entry = this.byTarget.get(target) ?? { count: 0, ms: 0 };
      this.byTarget.set(target, { count: entry.count + 1, ms: entry.ms + e.duration });
    };
    client.on('commandSucceeded', finished);
    client.on('commandFailed', finished);
  }

  reset(): void {
    this.byTarget.clear();
  }

  total(): number {
    return [...this.byTarget.values()].reduce((ms, t) => ms + t.ms, 0);
  }

  /** The costliest targets per sent step, e.g. "update enrollments by _id 312.0 ms (1.00×)". */
  perStep(steps: number, n = 4): string {
    return this.#sorted()
      .slice(0, n)
      .map(([target, t]) => `${target} ${(t.ms / steps).toFixed(1)} ms (${(t.count / steps).toFixed(2)}×)`)
      .join(', ');
  }

  /** The costliest target's share of a step, e.g. "update enrollments by _id+filter: 9266 ms of 12040 ms per step (77%)". */
  top(steps: number, stepMs: number): string {
    const [target, t] = this.#sorted()[0] ?? ['nothing', { count: 0, ms: 0 }];
    return `${target}: ${(t.ms / steps).toFixed(0)} ms of ${stepMs.toFixed(0)} ms per step (${Math.round((100 * t.ms) / steps / stepMs)}%)`;
  }

  /** Why the costliest target costs what it does, where the bench knows. */
  why(): string {
    const target = this.#sorted()[0]?.[0] ?? '';
    return WHY[target] ?? '';
  }

  #sorted() {
    return [...this.byTarget].sort((a, b) => b[1].ms - a[1].ms);
  }
}

/** Explanations of the costliest commands, where one is known. */
const WHY: Readonly<Record<string, string>> = {};

/**
 * "find enrollments by _id", "update enrollments by _id+filter" (an `_id` plus other conditions:
 * FerretDB v1 pushes down only a filter that is `_id` alone), "find enrollments by filter", "insert events".
 */
function targetOf(e: CommandStartedEvent): string {
  const command: Document = e.command;
  const collection: unknown = e.commandName === 'getMore' ? command.collection : command[e.commandName];
  const updates: unknown = command.updates;
  const filter: unknown =
    e.commandName === 'find'
      ? command.filter
      : e.commandName === 'update' && Array.isArray(updates)
        ? (updates[0] as Document | undefined)?.q
        : undefined;
  return `${e.commandName} ${typeof collection === 'string' ? collection : '?'}${filterKind(filter)}`;
}

function filterKind(filter: unknown): string {
  if (typeof filter !== 'object' || filter === null) return '';
  const keys = Object.keys(filter);
  if (!keys.includes('_id') || typeof (filter as Document)._id !== 'string') return ' by filter';
  return keys.length === 1 ? ' by _id' : ' by _id+filter';
}

/** A transport that adds up how long sends take, so the notes can split a step into SMTP and the rest. */
export function timedTransport(inner: MailTransport): MailTransport & { ms: number } {
  const timed = {
    ms: 0,
    async send(message: Parameters<MailTransport['send']>[0]) {
      const start = performance.now();
      try {
        return await inner.send(message);
      } finally {
        timed.ms += performance.now() - start;
      }
    },
    verify: () => inner.verify(),
    close: () => inner.close(),
  };
  return timed;
}

export interface SendBench {
  sink: SmtpSink;
  config: Config;
  served: string;
  /** A fresh database on the same server, with every command timed. */
  open(name: string): Promise<{ db: Database; times: CommandTimes; drop: () => Promise<void> }>;
  close(): Promise<void>;
}

/** FerretDB (or MONGODB_URL) and an in-process SMTP sink, both stopped by close(). */
export async function openSendBench(): Promise<SendBench> {
  const ferret = process.env.MONGODB_URL ? undefined : await startFerretDB();
  const sink = await startSmtpSink().catch(async (error: unknown) => {
    await ferret?.stop();
    throw error;
  });
  const base = process.env.MONGODB_URL ?? ferret!.url;
  // monitorCommands is a connection-string option, so connectDatabase (indexes and all) is used as is.
  const url = `${base}${base.includes('?') ? '&' : '?'}monitorCommands=true`;
  const served = databaseServed();
  return {
    sink,
    config: benchConfig(sink),
    served,
    async open(name) {
      const db = await connectDatabase(url, `parley_bench_${name}_${Date.now()}`);
      return {
        db,
        times: new CommandTimes(db.client),
        drop: async () => {
          await db.db.dropDatabase().catch(() => undefined);
          await db.close();
        },
      };
    },
    async close() {
      await sink.stop();
      await ferret?.stop();
    },
  };
}

/**
 * Inserts `count` contacts and their active enrollments, shaped as upsertContacts and
 * enrollContact write them, in slices of 1,000 (insertMany: the per-document path would take
 * hours on FerretDB). Returns each enrollment's due time.
 */
export async function seedEnrollments(
  db: Database,
  sequence: Sequence,
  count: number,
  dueAt: (i: number) => Date,
  prefix: string,
): Promise<Map<string, Date>> {
  const due = new Map<string, Date>();
  const now = new Date();
  for (let i = 0; i < count; i += 1000) {
    const contacts: ContactDoc[] = [];
    const enrollments: EnrollmentDoc[] = [];
    for (let j = i; j < Math.min(i + 1000, count); j++) {
      const contact: ContactDoc = {
        _id: randomUUID(),
        email: `${prefix}${j}@bench.example`,
        firstName: `Lead${j}`,
        company: `Company ${j % 997}`,
        fields: {},
        createdAt: now,
        updatedAt: now,
      };
      contacts.push(contact);
      const enrollment: EnrollmentDoc = {
        _id: randomUUID(),
        contactId: contact._id,
        email: contact.email,
        sequenceId: sequence.id,
        status: 'active',
        passedStepIds: [],
        skippedSteps: [],
        nextStepAt: dueAt(j),
        threadMessageIds: [],
        enrolledAt: now,
        updatedAt: now,
        round: 1,
        source: { kind: 'manual' },
      };
      enrollments.push(enrollment);
      due.set(enrollment._id, enrollment.nextStepAt ?? now);
    }
    await db.contacts.insertMany(contacts, { ordered: false });
    await db.enrollments.insertMany(enrollments, { ordered: false });
  }
  return due;
}

/** `total` active enrollments of which `due` are due now and the rest next week. */
export async function seedDueAndIdle(db: Database, sequence: Sequence, total: number, due: number, prefix: string): Promise<number> {
  const start = performance.now();
  const nextWeek = new Date(Date.now() + WEEK);
  await seedEnrollments(db, sequence, total - due, () => nextWeek, `${prefix}idle`);
  await seedEnrollments(db, sequence, due, () => new Date(Date.now() - 1000), `${prefix}due`);
  return performance.now() - start;
}

export function stepSender(db: Database, transport: MailTransport, sequence: Sequence, config: Config): StepSender {
  return new StepSender({
    db,
    transport,
    getSequence: (id) => (id === sequence.id ? sequence : undefined),
    logger: silentLogger(),
    messageIdDomain: config.messageIdDomain ?? UNSET_STEP_MESSAGE_ID_DOMAIN,
    leaseMs: config.sending.leaseMs,
    batchSize: config.sending.batchSize,
    concurrency: config.sending.concurrency,
  });
}

/**
 * Each sender calls runOnce() until `count` steps went out in all (or it finds nothing due: the
 * others hold the rest). Anything but a send or a lost race means the bench is broken.
 */
export async function sendAll(senders: readonly StepSender[], count: number): Promise<{ runs: number; skipped: number }> {
  const total: SendRunResult = { sent: 0, failed: 0, skipped: 0, deferred: 0 };
  let runs = 0;
  await Promise.all(
    senders.map(async (sender) => {
      while (total.sent < count) {
        const result = await sender.runOnce();
        runs += 1;
        for (const key of ['sent', 'failed', 'skipped', 'deferred'] as const) total[key] += result[key];
        if (result.failed + result.deferred > 0) throw new Error(`bench: a run failed or deferred steps: ${JSON.stringify(result)}`);
        if (result.sent + result.skipped === 0) break;
      }
    }),
  );
  if (total.sent !== count) throw new Error(`bench: ${total.sent} of ${count} steps sent`);
  return { runs, skipped: total.skipped };
}

/** Plain nodemailer with Parley's pool settings, `lanes` transports each sending its share one after another. */
export async function plainNodemailer(
  config: Config,
  sequence: Sequence,
  messages: readonly DeliveryDoc[],
  lanes: number,
): Promise<number> {
  const transports = Array.from({ length: lanes }, () =>
    nodemailer.createTransport({
      host: config.smtp.host,
      port: config.smtp.port,
      secure: false,
      pool: true,
      maxConnections: config.smtp.poolConnections,
      maxMessages: 100,
      connectionTimeout: config.smtp.timeoutMs,
      greetingTimeout: config.smtp.timeoutMs,
      socketTimeout: config.smtp.timeoutMs,
    }),
  );
  const start = performance.now();
  try {
    await Promise.all(
      transports.map(async (transport, lane) => {
        for (let i = lane; i < messages.length; i += lanes) {
          const m = messages[i]!;
          await transport.sendMail({
            from: { name: sequence.sender.name, address: m.from },
            to: m.to,
            subject: m.subject,
            text: m.text,
            messageId: m.messageId,
          });
        }
      }),
    );
    return performance.now() - start;
  } finally {
    for (const t of transports) t.close();
  }
}

/** Prints `line()` every minute while a long phase runs; returns the stop. */
export function progress(line: () => string): () => void {
  const timer = setInterval(() => console.error(`bench: ${line()}`), 60_000);
  return () => clearInterval(timer);
}

interface SendMeasure {
  ms: number;
  peakMiB: number;
  runs: number;
  skipped: number;
  smtpMs: number;
  dbMs: number;
  breakdown: string;
  top: string;
  why: string;
}

/** `count` due steps through `senders` StepSenders (each with its own pooled transport, as separate workers have). */
async function measureParley(
  bench: SendBench,
  db: Database,
  times: CommandTimes,
  sequence: Sequence,
  count: number,
  senders: number,
): Promise<SendMeasure> {
  const transports = Array.from({ length: senders }, () => timedTransport(createSmtpTransport(bench.config.smtp)));
  const received = bench.sink.received.length;
  times.reset();
  const stop = progress(() => `${bench.sink.received.length - received} of ${count} sent`);
  try {
    const run = await withPeakRss(() =>
      sendAll(
        transports.map((t) => stepSender(db, t, sequence, bench.config)),
        count,
      ),
    );
    await bench.sink.waitFor(received + count);
    return {
      ms: run.ms,
      peakMiB: run.peakMiB,
      runs: run.value.runs,
      skipped: run.value.skipped,
      smtpMs: transports.reduce((ms, t) => ms + t.ms, 0),
      dbMs: times.total(),
      breakdown: times.perStep(count),
      top: times.top(count, run.ms / count),
      why: times.why(),
    };
  } finally {
    stop();
    for (const t of transports) t.close();
  }
}

const perSecond = (count: number, ms: number) => count / (ms / 1000);
const rate = (count: number, ms: number) => perSecond(count, ms).toPrecision(3);
const ratio = (parleyMs: number, baselineMs: number) => `${(baselineMs / parleyMs).toPrecision(2)}×`;

/**
 * Due steps per second from the database through Parley's StepSender to an SMTP sink, with
 * `total` active enrollments of which `due` are due; baseline: plain nodemailer sending the same
 * messages with the same pool. The same steps at 1,000 enrollments isolate the database's size.
 */
export async function benchSending(total: number, due: number, parallel = 3): Promise<BenchRow[]> {
  const bench = await openSendBench();
  const sequence = benchSequence();
  const smallSize = Math.max(SMALL_SIZE, due);
  const pool = `pool of ${bench.config.smtp.poolConnections} connections per transport`;
  try {
    // The database-size control first: the same steps among 1,000 enrollments.
    const small = await bench.open('sending_small');
    let smallRun: SendMeasure;
    try {
      await seedDueAndIdle(small.db, sequence, smallSize, due, 's');
      smallRun = await measureParley(bench, small.db, small.times, sequence, due, 1);
      console.error(`bench: sending at ${smallSize} enrollments: ${rate(due, smallRun.ms)} steps/s; ${smallRun.breakdown}`);
    } finally {
      await small.drop();
    }

    const large = await bench.open('sending');
    try {
      const seedMs = await seedDueAndIdle(large.db, sequence, total, due, 'l');
      console.error(`bench: seeded ${total} enrollments (${due} due) in ${(seedMs / 1000).toFixed(0)} s`);
      const one = await measureParley(bench, large.db, large.times, sequence, due, 1);
      console.error(`bench: one sender at ${total}: ${rate(due, one.ms)} steps/s; ${one.breakdown}`);
      const messages = await large.db.deliveries.find({ state: 'sent' }).toArray();
      const baselineMs = await plainNodemailer(bench.config, sequence, messages, 1);

      // The sent ones completed: `due` fresh ones bring the active count back to `total`.
      await seedEnrollments(large.db, sequence, due, () => new Date(Date.now() - 1000), 'lagain');
      const many = await measureParley(bench, large.db, large.times, sequence, due, parallel);
      console.error(`bench: ${parallel} senders at ${total}: ${rate(due, many.ms)} steps/s; ${many.breakdown}`);
      const manyBaselineMs = await plainNodemailer(bench.config, sequence, messages, parallel);

      const scale = `${total.toLocaleString('en')} active enrollments, ${due} due`;
      const perStep = (m: SendMeasure) => (m.ms / due).toFixed(0);
      return [
        {
          benchmark: `sending, one StepSender (${scale})`,
          measure: 'due steps per second',
          parley: rate(due, one.ms),
          baseline: `${rate(due, baselineMs)} (plain nodemailer, same ${due} messages one after another, ${pool})`,
          ratio: ratio(one.ms, baselineMs),
          notes:
            `bottleneck: ${one.top}${one.why}; ` +
            `per step ${perStep(one)} ms of wall time with ${bench.config.sending.concurrency} in flight (SEND_CONCURRENCY); summed over the steps in flight, database ${(one.dbMs / due).toFixed(0)} ms + SMTP ${(one.smtpMs / due).toFixed(1)} ms per step; by driver time: ${one.breakdown}; ` +
            `${one.runs} runOnce() of batch ${bench.config.sending.batchSize}; ` +
            `the same ${due} steps at ${smallSize.toLocaleString('en')} enrollments: ${rate(due, smallRun.ms)} steps/s (${perStep(smallRun)} ms per step; ${smallRun.top}); ` +
            `worker peak RSS ${one.peakMiB} MiB (bench process, SMTP sink inside it); ${bench.served}; seeding took ${(seedMs / 1000).toFixed(0)} s`,
        },
        {
          benchmark: `sending, ${parallel} StepSenders in parallel (${scale})`,
          measure: 'due steps per second',
          parley: rate(due, many.ms),
          baseline: `${rate(due, manyBaselineMs)} (plain nodemailer, ${parallel} transports in parallel, ${pool})`,
          ratio: ratio(many.ms, manyBaselineMs),
          notes:
            `${parallel} senders in one process, each with its own transport (like ${parallel} workers): ${perStep(many)} ms of wall time per step vs ${perStep(one)} with one, ` +
            `more work, not more throughput: ${many.skipped} steps lost a race to another sender, and the losers' re-reads, extra due queries and no-op #pass updates cost commands too; ` +
            `driver time per sent step (overlapping): ${many.breakdown}; peak RSS ${many.peakMiB} MiB; ${bench.served}`,
        },
      ];
    } finally {
      await large.drop();
    }
  } finally {
    await bench.close();
  }
}
