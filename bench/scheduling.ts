import { performance } from 'node:perf_hooks';
import { startRecurringJobs } from '../src/jobs/index.ts';
import { silentLogger } from '../src/logger.ts';
import { createSmtpTransport, sendDueStepsJob } from '../src/sending/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import type { BenchRow } from './results.ts';
import { benchSequence, openSendBench, progress, seedEnrollments, SMALL_SIZE, stepSender, type SendBench } from './sending.ts';

const WEEK = 7 * 24 * 60 * 60 * 1000;
/** The first step comes due this long after seeding ends, so the job is running before it. */
const LEAD_MS = 5_000;
/** Longest the bench waits for every step to go out before it gives up (milliseconds). */
const DRAIN_TIMEOUT_MS = 30 * 60_000;

interface Lateness {
  /** Milliseconds from each step's due time to its delivery's sentAt, ascending. */
  late: number[];
  /** From the first due time to the last send. */
  drainMs: number;
  breakdown: string;
  /** Driver time of all commands per sent step, milliseconds. */
  dbPerStep: number;
  top: string;
  seedMs: number;
}

/**
 * How late steps go out against their due time under the real cadence: the worker's recurring
 * Agenda job (src/jobs + sendDueStepsJob, every SEND_INTERVAL_MS, two overlapping runs allowed)
 * drives one StepSender while `count` steps come due evenly over `spreadSeconds`, among `total`
 * active enrollments. Baseline: the same steps among 1,000 enrollments.
 */
export async function benchScheduling(total: number, count: number, spreadSeconds: number): Promise<BenchRow[]> {
  const bench = await openSendBench();
  const sequence = benchSequence();
  try {
    const small = await measureLateness(bench, sequence, Math.max(SMALL_SIZE, count), count, spreadSeconds * 1000, 'scheduling_small');
    console.error(`bench: lateness at ${Math.max(SMALL_SIZE, count)} enrollments: ${summary(small.late)}`);
    const large = await measureLateness(bench, sequence, total, count, spreadSeconds * 1000, 'scheduling');
    console.error(`bench: lateness at ${total} enrollments: ${summary(large.late)}; ${large.breakdown}`);
    const intervalS = bench.config.sending.intervalMs / 1000;
    const dueEveryMs = (spreadSeconds * 1000) / count;
    // One sender sends a step at most every dbPerStep ms: above the due spacing, a queue builds.
    const queue =
      large.dbPerStep > dueEveryMs ? 'more than the spacing of the due times, so a queue builds' : 'less than the spacing of the due times';
    return [
      {
        benchmark: `scheduling lateness (${total.toLocaleString('en')} active enrollments, ${count} steps due over ${spreadSeconds} s)`,
        measure: 'p99 lateness, s (sentAt − due time)',
        parley: seconds(percentile(large.late, 99)),
        baseline: `${seconds(percentile(small.late, 99))} (same steps among ${Math.max(SMALL_SIZE, count).toLocaleString('en')} enrollments)`,
        ratio: `${(percentile(large.late, 99) / percentile(small.late, 99)).toFixed(1)}×`,
        notes:
          `real Agenda job send-due-steps every ${intervalS} s (SEND_INTERVAL_MS, default 2 s; 2 overlapping runs allowed), one StepSender, batch ${bench.config.sending.batchSize}; ` +
          `at ${total.toLocaleString('en')}: ${summary(large.late)}, last step out ${seconds(large.drainMs)} s after the first came due; ` +
          `at ${Math.max(SMALL_SIZE, count).toLocaleString('en')}: ${summary(small.late)}; ` +
          `floor set by the interval: a step waits for the next run, ~${intervalS / 2} s median, up to ${intervalS} s; ` +
          `at ${total.toLocaleString('en')} each sent step takes ${large.dbPerStep.toFixed(0)} ms of database time, ${queue} (one due every ${dueEveryMs.toFixed(0)} ms); ` +
          `bottleneck: ${large.top}; driver time per sent step: ${large.breakdown}; ` +
          `${bench.served}; seeding took ${seconds(large.seedMs)} s`,
      },
    ];
  } finally {
    await bench.close();
  }
}

async function measureLateness(
  bench: SendBench,
  sequence: Sequence,
  total: number,
  count: number,
  spreadMs: number,
  name: string,
): Promise<Lateness> {
  const { db, times, drop } = await bench.open(name);
  try {
    const seedStart = performance.now();
    const nextWeek = new Date(Date.now() + WEEK);
    await seedEnrollments(db, sequence, total - count, () => nextWeek, 'idle');
    // Due times are fixed only now, after the slow part of seeding, and kept to compare with sentAt.
    const first = Date.now() + LEAD_MS;
    const dueAt = await seedEnrollments(db, sequence, count, (i) => new Date(first + (i * spreadMs) / count), 'due');
    const seedMs = performance.now() - seedStart;
    console.error(
      `bench: seeded ${total} enrollments in ${seconds(seedMs)} s; ${count} steps come due over the next ${seconds(LEAD_MS + spreadMs)} s`,
    );

    const transport = createSmtpTransport(bench.config.smtp);
    const sender = stepSender(db, transport, sequence, bench.config);
    const received = bench.sink.received.length;
    times.reset();
    const jobs = await startRecurringJobs({
      db: db.db,
      jobs: [sendDueStepsJob({ sender, intervalMs: bench.config.sending.intervalMs, logger: silentLogger() })],
      logger: silentLogger(),
    });
    const stop = progress(() => `${bench.sink.received.length - received} of ${count} sent`);
    try {
      await bench.sink.waitFor(received + count, DRAIN_TIMEOUT_MS);
    } finally {
      stop();
      await jobs.stop();
      transport.close();
    }
    const breakdown = times.perStep(count);
    const top = `${times.perStep(count, 1)}${times.why()}`;

    const sent = await db.deliveries.find({ state: 'sent' }, { projection: { enrollmentId: 1, sentAt: 1 } }).toArray();
    const late = sent.flatMap((d) => {
      const due = dueAt.get(d.enrollmentId);
      return due && d.sentAt ? [d.sentAt.getTime() - due.getTime()] : [];
    });
    if (late.length !== count) throw new Error(`bench: ${late.length} of ${count} sends recorded`);
    late.sort((a, b) => a - b);
    const lastSent = Math.max(...sent.map((d) => d.sentAt?.getTime() ?? 0));
    return { late, drainMs: lastSent - first, breakdown, dbPerStep: times.total() / count, top, seedMs };
  } finally {
    await drop();
  }
}

/** Nearest-rank percentile of an ascending, non-empty list. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function summary(late: readonly number[]): string {
  return `median ${seconds(percentile(late, 50))} s, p95 ${seconds(percentile(late, 95))} s, p99 ${seconds(percentile(late, 99))} s, max ${seconds(percentile(late, 100))} s`;
}
