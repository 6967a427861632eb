import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImapFlow } from 'imapflow';
import type { Config } from '../src/config.ts';
import { analyzeReply, extractVisibleText } from '../src/classify/index.ts';
import type { Database } from '../src/db/index.ts';
import type { EmbeddedMailbox } from '../src/embedded/index.ts';
import { parseInboundMessage, toReplyToClassify } from '../src/inbound/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { taskPriority } from '../src/tasks/index.ts';
import { seeded } from '../test/support/random.ts';
import type { BenchRow } from './results.ts';
import {
  closeClient,
  loadNote,
  openMailBench,
  pauseAndTaskSequence,
  percentile,
  plainClient,
  replySamples,
  seedConversations,
  threadedReply,
  wireInbound,
  type Conversation,
} from './mail-setup.ts';

/** How often the bench looks for "paused and task queued": the resolution of every figure (ms). */
const CHECK_EVERY_MS = 20;
/** Poll interval of the polling-only mode (ms). */
const POLL_INTERVAL_MS = 2000;
/**
 * idleDelayMs for the polling-only mode. MailboxPoller has no switch for imapflow's auto-IDLE; a
 * delay longer than the poll interval keeps it from ever starting, since every poll sends a
 * command (imapflow caps the delay just under its 5-minute socket timeout).
 */
const NO_IDLE_DELAY_MS = 10 * 60_000;
/** Shortest gap between replies with IDLE (ms): longer than idleDelayMs (1000), so IDLE has restarted. */
const IDLE_GAP_MS = 1100;
/** Longest wait for one reply to be acted on before the bench gives up (ms). */
const REACTION_TIMEOUT_MS = 30_000;

type Mode = 'idle' | 'poll';

interface Sample {
  /** APPEND done -> enrollment paused and task queued. */
  reactionMs: number;
  /** APPEND done -> the plain imapflow session saw the new message. */
  baselineMs: number;
  /** APPEND done -> ReplyHandler.handle started (notice + cursor read + NOOP + list + fetch). */
  toHandleMs: number;
  /** The plain session saw it -> ReplyHandler.handle started: Parley's own work before handling. */
  seenToHandleMs: number;
}

/**
 * Reaction time of the worker's inbound path: from a reply's APPEND into Dovecot to its
 * enrollment being paused and its task queued, `count` replies per mode delivered one at a time,
 * with IDLE (the worker's settings) and with polling only. Baselines are plain imapflow sessions
 * watching the same appends: in IDLE, until it sees the EXISTS; polling, a NOOP every interval
 * started at the same moment as the poller's timer, so both wait for the same poll phase.
 */
export async function benchReaction(count: number): Promise<BenchRow[]> {
  const load = loadNote();
  const bench = await openMailBench('reaction');
  try {
    const sequence = await pauseAndTaskSequence();
    const samples = await samplesThatNeedAPerson();
    const conversations = await seedConversations(
      bench.db,
      sequence,
      Array.from({ length: 2 * count }, (_, i) => `lead${i}@bench.example`),
    );
    const appender = await plainClient(bench.mailbox);
    try {
      const run = { ...bench, sequence, samples, appender, delivered: 0 };
      const idle = await measureMode(run, 'idle', conversations.slice(0, count));
      const poll = await measureMode(run, 'poll', conversations.slice(count));
      const served = `${bench.served}; ${load}`;
      return [row('idle', idle, served), row('poll', poll, served)];
    } finally {
      await closeClient(appender);
    }
  } finally {
    await bench.close();
  }
}

interface Run {
  db: Database;
  mailbox: EmbeddedMailbox;
  config: (env?: Record<string, string>) => Config;
  sequence: Sequence;
  samples: string[];
  appender: ImapFlow;
  /** Messages appended so far: the mailbox's EXISTS count (nothing is expunged). */
  delivered: number;
}

async function measureMode(run: Run, mode: Mode, conversations: readonly Conversation[]): Promise<Sample[]> {
  // IDLE: the worker's own settings (idleDelayMs 1000, IMAP_POLL_INTERVAL_MS 30 s as the fallback).
  const config = run.config(mode === 'poll' ? { IMAP_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) } : {});
  const handleStarted = new Map<number, number>();
  const handleEnded = new Map<number, number>();
  const inbound = wireInbound(run.db, config, run.sequence, {
    ...(mode === 'poll' && { idleDelayMs: NO_IDLE_DELAY_MS }),
    around: async (handle, origin) => {
      handleStarted.set(origin.uid, performance.now());
      try {
        return await handle();
      } finally {
        handleEnded.set(origin.uid, performance.now());
      }
    },
  });
  const watcher = await plainClient(run.mailbox, mode === 'idle' ? { autoIdleDelay: 1000 } : { disableAutoIdle: true });
  const seen = new Map<number, number>();
  watcher.on('exists', (update: { count: number; prevCount: number }) => {
    const at = performance.now();
    for (let n = update.prevCount + 1; n <= update.count; n++) seen.set(n, at);
  });
  let noopTimer: NodeJS.Timeout | undefined;
  const random = seeded(mode === 'idle' ? 7 : 11);
  try {
    await watcher.mailboxOpen('INBOX');
    await inbound.ready();
    await inbound.start();
    // Started right after the poller's own interval timer: both poll at the same phase.
    if (mode === 'poll') noopTimer = setInterval(() => void watcher.noop().catch(() => undefined), POLL_INTERVAL_MS);
    const results: Sample[] = [];
    for (const [i, conversation] of conversations.entries()) {
      // IDLE: a gap longer than idleDelayMs (1 s), so the poller is back in IDLE as between
      // sporadic replies. Polling: a gap spread over a whole interval, so arrivals fall at every
      // phase of the poll timer.
      await sleep(mode === 'idle' ? IDLE_GAP_MS + 400 * random() : 100 + POLL_INTERVAL_MS * random());
      const messageId = `<bench-${mode}-${i}@lead.example>`;
      const raw = threadedReply(run.samples[i % run.samples.length]!, conversation, messageId);
      const appended = await run.appender.append('INBOX', raw);
      const appendedAt = performance.now();
      run.delivered += 1;
      if (!appended || appended.uid === undefined) throw new Error('Dovecot did not report the appended UID (UIDPLUS)');
      const actedAt = await waitUntilActed(run.db, conversation.enrollmentId, `reply:mid:${messageId}`, appendedAt);
      const expected = run.delivered;
      while (!seen.has(expected) && performance.now() - appendedAt < REACTION_TIMEOUT_MS) await sleep(5);
      const seenAt = seen.get(expected);
      const startedAt = handleStarted.get(appended.uid);
      if (seenAt === undefined || startedAt === undefined)
        throw new Error(`${mode}: reply ${i} was not seen by the baseline session or the poller`);
      results.push({
        reactionMs: actedAt - appendedAt,
        // Negative when the EXISTS overtook the APPEND's own OK: seen at once.
        baselineMs: Math.max(0, seenAt - appendedAt),
        toHandleMs: startedAt - appendedAt,
        seenToHandleMs: startedAt - seenAt,
      });
      // Let the poll finish (keyword, cursor) before the next gap starts.
      while (!handleEnded.has(appended.uid) && performance.now() - appendedAt < REACTION_TIMEOUT_MS) await sleep(5);
    }
    return results;
  } finally {
    clearInterval(noopTimer);
    await inbound.stop();
    await closeClient(watcher);
  }
}

/** Checks every CHECK_EVERY_MS until the enrollment is paused and its task exists; returns when that check answered. */
async function waitUntilActed(db: Database, enrollmentId: string, taskId: string, since: number): Promise<number> {
  for (;;) {
    const [enrollment, task] = await Promise.all([
      db.enrollments.findOne({ _id: enrollmentId }, { projection: { status: 1 } }),
      db.tasks.findOne({ _id: taskId }, { projection: { _id: 1 } }),
    ]);
    const now = performance.now();
    if (enrollment?.status === 'paused' && task) return now;
    if (now - since > REACTION_TIMEOUT_MS)
      throw new Error(`enrollment ${enrollmentId} not paused with task ${taskId} after ${REACTION_TIMEOUT_MS} ms`);
    await sleep(CHECK_EVERY_MS);
  }
}

/** The reply fixtures whose intent needs a person (an out-of-office resumes later and queues no task). */
async function samplesThatNeedAPerson(): Promise<string[]> {
  const kept: string[] = [];
  for (const raw of await replySamples()) {
    const message = await parseInboundMessage(Buffer.from(raw));
    const { classification } = analyzeReply(toReplyToClassify(message, extractVisibleText(message.text, message.html)));
    if (taskPriority(classification.intent) !== undefined) kept.push(raw);
  }
  return kept;
}

function row(mode: Mode, samples: readonly Sample[], served: string): BenchRow {
  const median = (pick: (s: Sample) => number) => percentile(samples.map(pick), 50);
  const p95 = (pick: (s: Sample) => number) => percentile(samples.map(pick), 95);
  const reaction = (s: Sample) => s.reactionMs;
  const baseline = (s: Sample) => s.baselineMs;
  const ms = (v: number) => v.toFixed(0);
  const pair = (pick: (s: Sample) => number) => `${ms(median(pick))} / ${ms(p95(pick))}`;
  // Where the median reply's time went: until the server told anyone (IDLE) or the next poll
  // (polling), Parley's IMAP reads before handle(), then handle() up to the pause and the task.
  const handling: [string, (s: Sample) => number] = [
    'handling (parse, classify, match, database writes up to the pause and the task)',
    (s) => s.reactionMs - s.toHandleMs,
  ];
  const parts: Array<[string, (s: Sample) => number]> =
    mode === 'idle'
      ? [
          ["Dovecot's notification (it waits 500 ms before telling IDLE sessions: NOTIFY_DELAY_MSECS in its mailbox-watch.c)", baseline],
          ['Parley noticing and fetching (cursor read, NOOP, list, fetch source)', (s) => s.seenToHandleMs],
          handling,
        ]
      : [['waiting for the next poll, then fetching (cursor read, NOOP, list, fetch source)', (s) => s.toHandleMs], handling];
  const values = samples.map(reaction);
  const range = `range ${ms(Math.min(...values))}-${ms(Math.max(...values))} ms`;
  const split = parts.map(([name, pick]) => `${name} ${pair(pick)} ms`).join('; ');
  const [bottleneck] = [...parts].sort((x, y) => median(y[1]) - median(x[1]));
  const common =
    `${samples.length} replies one at a time, each to its own enrollment (thread match, outcome pause_and_task); ` +
    `"acted" = enrollment paused and task queued, checked by _id every ${CHECK_EVERY_MS} ms, so figures are late by up to ${CHECK_EVERY_MS} ms plus one lookup; ` +
    `${range}; split (median / p95): ${split}; bottleneck: ${bottleneck?.[0].replace(/ \(.*/, '')}; ${served}`;
  const ratio = `${(median(reaction) / Math.max(1, median(baseline))).toFixed(2)}× (medians)`;
  if (mode === 'idle') {
    return {
      benchmark: `reply reaction with IDLE, ${samples.length} replies`,
      measure: 'ms from APPEND done to paused + task queued, median / p95',
      parley: pair(reaction),
      baseline: `${pair(baseline)} (plain imapflow in IDLE sees the EXISTS of the same append)`,
      ratio,
      notes:
        `the worker's settings: idleDelayMs 1000, IMAP_POLL_INTERVAL_MS 30 s as the fallback; gaps of ${IDLE_GAP_MS / 1000}-${(IDLE_GAP_MS + 400) / 1000} s after each reply is handled, so the poller is back in IDLE (a reply within 1 s of the last IMAP command waits up to 1 s more for IDLE to start); ` +
        common,
    };
  }
  return {
    benchmark: `reply reaction, polling only every ${POLL_INTERVAL_MS / 1000} s, ${samples.length} replies`,
    measure: 'ms from APPEND done to paused + task queued, median / p95',
    parley: pair(reaction),
    baseline: `${pair(baseline)} (plain imapflow NOOP every ${POLL_INTERVAL_MS / 1000} s, timer started with the poller's; expected wait ${POLL_INTERVAL_MS / 2} ms)`,
    ratio,
    notes:
      `IMAP_POLL_INTERVAL_MS ${POLL_INTERVAL_MS}, idleDelayMs ${NO_IDLE_DELAY_MS / 60_000} min so imapflow never starts IDLE (MailboxPoller has no switch to turn it off; every poll's NOOP keeps the session busy); gaps of 0.1-2.1 s so arrivals cover the whole poll phase; ` +
      common,
  };
}
