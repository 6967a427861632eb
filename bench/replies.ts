import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import { analyzeReply, answerQuestion, extractVisibleText } from '../src/classify/index.ts';
import type { Config } from '../src/config.ts';
import type { Database } from '../src/db/index.ts';
import type { EmbeddedMailbox } from '../src/embedded/index.ts';
import { parseInboundMessage, toReplyToClassify, type PollResult } from '../src/inbound/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import type { BenchRow } from './results.ts';
import { withPeakRss } from './segments.ts';
import {
  childServerCpu,
  closeClient,
  cpuSince,
  loadNote,
  monitoredDatabase,
  openMailBench,
  pauseAndTaskSequence,
  plainClient,
  replySamples,
  seconds,
  seedConversations,
  threadedReply,
  topTargets,
  wireInbound,
} from './mail-setup.ts';

/** Longest wait for the poller to handle everything before the bench gives up (milliseconds). */
const DRAIN_TIMEOUT_MS = 10 * 60_000;

/**
 * Replies per second through the whole inbound path from Dovecot: the worker's MailboxPoller and
 * ReplyHandler fetch, parse, strip quotes, classify, match, store, pause the enrollment and queue
 * a task, for `count` replies waiting in the mailbox. Baseline: plain imapflow fetching the same
 * messages the way the poller does (list, then each message's full source one at a time).
 */
export async function benchReplies(count: number): Promise<BenchRow[]> {
  const load = loadNote();
  const bench = await openMailBench('replies');
  try {
    const { db, mailbox } = bench;
    const sequence = await pauseAndTaskSequence();
    const samples = await replySamples();
    const seedStart = performance.now();
    const conversations = await seedConversations(
      db,
      sequence,
      Array.from({ length: count }, (_, i) => `lead${i}@bench.example`),
    );
    const messages = conversations.map((c, i) => threadedReply(samples[i % samples.length]!, c, `<bench-reply-${i}@lead.example>`));
    const appender = await plainClient(mailbox);
    try {
      for (const raw of messages) await appender.append('INBOX', raw);
    } finally {
      await closeClient(appender);
    }
    console.error(`bench: ${count} conversations seeded and ${count} replies appended in ${seconds(performance.now() - seedStart)} s`);

    const bulkMs = await timed(() => fetchInBulk(mailbox, count));
    const oneByOneMs = await timed(() => fetchOneByOne(mailbox, count));
    const parsedMs = await timed(() => fetchOneByOne(mailbox, count, true));
    const analysisMs = await analysisAlone(messages, samples, sequence);
    const run = await runPoller(bench, bench.config(), sequence, count, samples);
    const outcome = {
      paused: await db.enrollments.countDocuments({ status: 'paused' }),
      tasks: await db.tasks.countDocuments({}),
      quarantined: await db.quarantine.countDocuments({}),
    };
    return [
      repliesRow({
        count,
        run,
        outcome,
        bulkMs,
        oneByOneMs,
        parsedMs,
        analysisMs,
        formats: samples.length,
        served: `${bench.served}; ${load}`,
      }),
    ];
  } finally {
    await bench.close();
  }
}

/**
 * Parse, strip quotes and classify alone, as the handler does (then the answer when the step asks
 * a question), with no database and no IMAP; one warm-up pass first, since the poller runs warm.
 */
async function analysisAlone(messages: readonly string[], samples: readonly string[], sequence: Sequence): Promise<number> {
  const asks = sequence.steps[0]?.asks;
  const analyse = async (raw: string) => {
    const message = await parseInboundMessage(Buffer.from(raw));
    const reply = toReplyToClassify(message, extractVisibleText(message.text, message.html));
    const analysis = analyzeReply(reply);
    if (asks) answerQuestion(analysis, asks);
  };
  for (const raw of samples) await analyse(raw);
  return timed(async () => {
    for (const raw of messages) await analyse(raw);
  });
}

interface PollerRun {
  ms: number;
  peakMiB: number;
  handlerMs: number;
  commands: { count: number; ms: number; top: string };
  nodeCpuMs: number;
  loopBusy: number;
  serverCpuMs: Map<string, number>;
}

/** Starts the worker's poller on the mailbox and times it until every waiting reply is handled. */
async function runPoller(
  bench: { db: Database; url: string },
  config: Config,
  sequence: Sequence,
  count: number,
  samples: readonly string[],
): Promise<PollerRun> {
  // The poller and handler get a connection of their own whose commands are timed.
  const monitored = await monitoredDatabase(bench.url, bench.db);
  let handlerMs = 0;
  let handled = 0;
  let drained: () => void = () => undefined;
  const allHandled = new Promise<void>((resolve) => (drained = resolve));
  const inbound = wireInbound(monitored.db, config, sequence, {
    onPoll: (result: PollResult) => {
      handled += result.outcomes.length + result.quarantined;
      if (handled >= count) drained();
    },
    around: async (handle) => {
      const start = performance.now();
      try {
        return await handle();
      } finally {
        handlerMs += performance.now() - start;
      }
    },
  });
  try {
    // Threads warm up first, as a running worker's are (the JIT and the classifier's lazy paths on
    // these client formats): not part of the figure, as for the analysis measured apart.
    await inbound.ready(samples);
    const cpuBefore = childServerCpu();
    const nodeBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    const run = await withPeakRss(async () => {
      await inbound.start();
      await withTimeout(allHandled, DRAIN_TIMEOUT_MS, () => `${handled} of ${count} replies handled`);
    });
    const node = process.cpuUsage(nodeBefore);
    return {
      ms: run.ms,
      peakMiB: run.peakMiB,
      handlerMs,
      commands: { count: monitored.times.count, ms: monitored.times.ms, top: topTargets(monitored.times, 3) },
      nodeCpuMs: (node.user + node.system) / 1000,
      loopBusy: performance.eventLoopUtilization(loopBefore).utilization,
      serverCpuMs: new Map([...cpuSince(cpuBefore)].map(([name, s]) => [name, s * 1000])),
    };
  } finally {
    await inbound.stop();
    await monitored.db.close();
  }
}

function repliesRow(r: {
  count: number;
  run: PollerRun;
  outcome: { paused: number; tasks: number; quarantined: number };
  bulkMs: number;
  oneByOneMs: number;
  /** The same fetch, each source parsed by mailparser: the baseline. */
  parsedMs: number;
  analysisMs: number;
  formats: number;
  served: string;
}): BenchRow {
  const { count, run, outcome } = r;
  const rate = (ms: number) => count / (ms / 1000);
  const perMessage = (ms: number) => `${(ms / count).toFixed(1)} ms/msg`;
  const share = (ms: number) => `${Math.round((100 * ms) / run.ms)}%`;
  const ferretMs = run.serverCpuMs.get('FerretDB') ?? 0;
  const dovecotMs = run.serverCpuMs.get('Dovecot') ?? 0;
  // What is left of the wall time: IMAP round trips (NOOP, list, fetch, keyword STORE) and the event loop.
  const restMs = Math.max(0, run.ms - run.commands.ms - r.analysisMs);
  const parts: Array<[string, number]> = [
    ['the database', run.commands.ms],
    ['parse + classify CPU', r.analysisMs],
    ['IMAP and the rest', restMs],
  ];
  const [bottleneck] = [...parts].sort((x, y) => y[1] - x[1]);
  return {
    benchmark: `replies from Dovecot, ${count} waiting (whole inbound path)`,
    measure: 'msg/s',
    parley: rate(run.ms).toFixed(1),
    baseline: `${rate(r.parsedMs).toFixed(0)} (plain imapflow: list, then each full source one at a time, as the poller fetches, parsed by mailparser)`,
    // Throughput over the baseline's, as in the sending rows.
    ratio: `${(r.parsedMs / run.ms).toFixed(2)}×`,
    notes:
      `${seconds(run.ms)} s for ${count} replies (${perMessage(run.ms)}): ${outcome.paused} enrollments paused, ${outcome.tasks} tasks queued, ${outcome.quarantined} quarantined; peak RSS ${run.peakMiB} MiB; ` +
      `bottleneck: ${bottleneck?.[0]}. Wall time split: database commands ${perMessage(run.commands.ms)} (${share(run.commands.ms)}; ${(run.commands.count / count).toFixed(0)} per reply; most time in ${run.commands.top}), ` +
      `parse + quote stripping + classification alone ${perMessage(r.analysisMs)} (${share(r.analysisMs)}, measured apart on the same messages), IMAP and the rest ${perMessage(restMs)} (${share(restMs)}); ` +
      `ReplyHandler.handle ${share(run.handlerMs)} of the wall time; CPU over the run: FerretDB ${seconds(ferretMs)} s (${share(ferretMs)} of one core), Node ${seconds(run.nodeCpuMs)} s (event loop busy ${Math.round(run.loopBusy * 100)}%), Dovecot ${seconds(dovecotMs)} s; ` +
      `imapflow alone, without parsing: ${rate(r.oneByOneMs).toFixed(0)} msg/s (${(r.oneByOneMs / run.ms).toFixed(3)}×); bulk fetchAll of every source: ${rate(r.bulkMs).toFixed(0)} msg/s (not the fair baseline: the poller fetches one at a time to bound memory); ` +
      `each reply threads to a seeded first-step delivery of its own enrollment; ${r.formats} real client formats; trial-follow-up with outcomes at the default pause_and_task; ${r.served}`,
  };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Connect, list, then fetch each message's full source one at a time: the poller's IMAP reads. */
async function fetchOneByOne(mailbox: EmbeddedMailbox, expected: number, parse = false): Promise<void> {
  const client = await plainClient(mailbox, { disableAutoIdle: true });
  try {
    await client.mailboxOpen('INBOX');
    const listed = await client.fetchAll('1:*', { uid: true, flags: true, size: true }, { uid: true });
    let fetched = 0;
    for (const message of listed) {
      const full = await client.fetchOne(String(message.uid), { source: true }, { uid: true });
      if (full && full.source) fetched += 1;
      if (parse && full && full.source) await simpleParser(full.source);
    }
    if (fetched !== expected) throw new Error(`baseline fetched ${fetched} of ${expected} messages`);
  } finally {
    await closeClient(client);
  }
}

/** Connect and fetch every full source in one command (a lower bound, not what the poller may do). */
async function fetchInBulk(mailbox: EmbeddedMailbox, expected: number): Promise<void> {
  const client = await plainClient(mailbox, { disableAutoIdle: true });
  try {
    await client.mailboxOpen('INBOX');
    const all = await client.fetchAll('1:*', { uid: true, source: true }, { uid: true });
    if (all.filter((m) => m.source).length !== expected) throw new Error(`bulk baseline fetched ${all.length} of ${expected} messages`);
  } finally {
    await closeClient(client);
  }
}

async function withTimeout(work: Promise<void>, ms: number, progress: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${progress()}`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
