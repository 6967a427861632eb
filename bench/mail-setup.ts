import { readdir, readFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { Collection, MongoClient } from 'mongodb';
import { loadConfig, type Config } from '../src/config.ts';
import { connectDatabase, type Database, type DeliveryDoc } from '../src/db/index.ts';
import { mailboxClient, startDovecot, startFerretDB, type EmbeddedMailbox } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import {
  MailboxLease,
  MailboxPoller,
  mailboxKey,
  ReplyHandler,
  ThreadedAnalyzer,
  type MessageOrigin,
  type PollResult,
  type ReplyOutcome,
} from '../src/inbound/index.ts';
import { createLogger, silentLogger } from '../src/logger.ts';
import { loadSequenceFile, type Sequence } from '../src/sequences/index.ts';
import { databaseServed } from './results.ts';

/** FerretDB (or MONGODB_URL) plus a throwaway Dovecot mailbox; `close()` stops both. */
export async function openMailBench(name: string) {
  const ferret = process.env.MONGODB_URL ? undefined : await startFerretDB();
  const url = process.env.MONGODB_URL ?? ferret!.url;
  const served = databaseServed();
  let db: Database | undefined;
  let mailbox: EmbeddedMailbox | undefined;
  const close = async () => {
    await mailbox?.stop().catch(() => undefined);
    await db?.db.dropDatabase().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await ferret?.stop();
  };
  try {
    db = await connectDatabase(url, `parley_bench_${name}_${Date.now()}`);
    mailbox = await startDovecot();
  } catch (error) {
    await close();
    throw error;
  }
  const box = mailbox;
  // The worker's own settings (loadConfig with its defaults), pointed at this mailbox.
  const config = (env: Record<string, string> = {}): Config =>
    loadConfig({
      IMAP_HOST: box.host,
      IMAP_PORT: String(box.port),
      IMAP_SECURE: 'false',
      IMAP_USER: box.user,
      IMAP_PASS: box.pass,
      PARLEY_INSECURE_LOCAL_MAIL: 'true',
      MESSAGE_ID_DOMAIN: 'parley.test',
      // A worker setting to try, as the sending bench takes SEND_CONCURRENCY.
      ...(process.env.INBOUND_CONCURRENCY && { INBOUND_CONCURRENCY: process.env.INBOUND_CONCURRENCY }),
      ...env,
    });
  return { db, url, served, mailbox: box, config, close };
}

/** Time the driver spent on database commands, by command and collection (e.g. `find deliveries`). */
export interface CommandTimes {
  count: number;
  ms: number;
  byTarget: Map<string, { count: number; ms: number }>;
}

/**
 * A second connection to the same database whose commands are timed (the driver's command
 * monitoring: each command's round trip as the driver saw it), to hand to the code under test.
 */
export async function monitoredDatabase(url: string, base: Database): Promise<{ db: Database; times: CommandTimes }> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000, monitorCommands: true });
  await client.connect();
  const times: CommandTimes = { count: 0, ms: 0, byTarget: new Map() };
  const targets = new Map<number, string>();
  client.on('commandStarted', (e) => {
    const collection: unknown = e.command[e.commandName];
    targets.set(e.requestId, typeof collection === 'string' ? `${e.commandName} ${collection}` : e.commandName);
  });
  const finished = (e: { requestId: number; duration: number; commandName: string }) => {
    const target = targets.get(e.requestId) ?? e.commandName;
    targets.delete(e.requestId);
    times.count += 1;
    times.ms += e.duration;
    const entry = times.byTarget.get(target) ?? { count: 0, ms: 0 };
    times.byTarget.set(target, { count: entry.count + 1, ms: entry.ms + e.duration });
  };
  client.on('commandSucceeded', finished);
  client.on('commandFailed', finished);
  const db = client.db(base.db.databaseName);
  // Every collection of the base object, reopened on this client under the same name; the cast
  // is safe because only Collection values are swapped, key for key.
  const collections = Object.fromEntries(
    Object.entries(base).flatMap(([key, value]) => (value instanceof Collection ? [[key, db.collection(value.collectionName)]] : [])),
  );
  const database = { ...base, ...collections, client, db, close: () => client.close() } as Database;
  return { db: database, times };
}

/** The targets that took longest, e.g. "find deliveries 41% (500)". */
export function topTargets(times: CommandTimes, n: number): string {
  return [...times.byTarget]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, n)
    .map(([target, t]) => `${target} ${Math.round((100 * t.ms) / Math.max(1, times.ms))}% (${t.count}×)`)
    .join(', ');
}

/**
 * The example sequence with every outcome left at Parley's default, pause_and_task, so each
 * person's reply pauses its enrollment and queues a task (the path these benchmarks measure).
 */
export async function pauseAndTaskSequence(): Promise<Sequence> {
  const loaded = await loadSequenceFile('sequences/trial-follow-up.yaml');
  if (!loaded.ok) throw new Error('the example sequence does not load');
  const sequence = loaded.sequence;
  return { ...sequence, outcomes: {}, steps: sequence.steps.map((s) => ({ ...s, outcomes: {} })) };
}

/** One enrolled contact whose first step has gone out: the reply threads to `messageId`. */
export interface Conversation {
  email: string;
  enrollmentId: string;
  messageId: string;
}

/**
 * Enrolls one contact per address and records the first step as sent, so a reply matches by
 * thread (In-Reply-To against the delivery's Message-ID), the path most real replies take.
 */
export async function seedConversations(db: Database, sequence: Sequence, emails: readonly string[]): Promise<Conversation[]> {
  const now = new Date();
  const enrolled = await enrollContacts(
    db,
    sequence,
    emails.map((email) => ({ email })),
    now,
  );
  const step = sequence.steps[0];
  if (!step) throw new Error('the sequence has no steps');
  const conversations = enrolled.map((e) => {
    if (e.outcome !== 'enrolled') throw new Error(`bench contact ${e.email} not enrolled: ${e.outcome}`);
    return { email: e.email, enrollmentId: e.enrollmentId, messageId: `<${e.enrollmentId}.${step.id}@parley.test>` };
  });
  const deliveries: DeliveryDoc[] = conversations.map((c) => ({
    _id: `${c.enrollmentId}:${step.id}#1`,
    enrollmentId: c.enrollmentId,
    stepId: step.id,
    stepIndex: 0,
    attempt: 1,
    state: 'sent',
    worker: 'bench',
    leaseUntil: now,
    claimedAt: now,
    messageId: c.messageId,
    from: sequence.sender.address,
    to: c.email,
    subject: 'Quick question',
    text: 'What made you start looking for a tool like ours right now?',
    references: [],
    sentAt: now,
  }));
  if (deliveries.length > 0) await db.deliveries.insertMany(deliveries);
  return conversations;
}

/** People's replies in real client formats (Gmail, Outlook, Apple Mail, ... in several languages). */
export async function replySamples(): Promise<string[]> {
  const dir = 'test/fixtures/replies';
  const files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
  if (files.length === 0) throw new Error(`no .eml fixtures in ${dir}`);
  return Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
}

/** A fixture turned into this conversation's reply: its own Message-ID, sender and thread headers. */
export function threadedReply(sample: string, conversation: Conversation, messageId: string): string {
  return setHeaders(sample.replace(/\r?\n/g, '\r\n'), {
    'Message-ID': messageId,
    From: `Lead <${conversation.email}>`,
    'In-Reply-To': conversation.messageId,
    References: conversation.messageId,
  });
}

/** Replaces whole header fields (folded continuation lines included) in a CRLF message. */
function setHeaders(raw: string, headers: Record<string, string>): string {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('fixture without a header/body separator');
  const replaced = new Set(Object.keys(headers).map((n) => n.toLowerCase()));
  const kept: string[] = [];
  let dropping = false;
  for (const line of raw.slice(0, end).split('\r\n')) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = replaced.has(line.slice(0, line.indexOf(':')).trim().toLowerCase());
    if (!dropping) kept.push(line);
  }
  return [...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), ...kept].join('\r\n') + raw.slice(end);
}

/** A plain imapflow session on the bench mailbox (for appends and the baselines). */
export async function plainClient(
  mailbox: EmbeddedMailbox,
  options: { disableAutoIdle?: boolean; autoIdleDelay?: number } = {},
): Promise<ImapFlow> {
  const client = mailboxClient(mailbox, options);
  await client.connect();
  return client;
}

export async function closeClient(client: ImapFlow): Promise<void> {
  if (client.usable) await client.logout().catch(() => client.close());
  else client.close();
}

export interface InboundWiring {
  poller: MailboxPoller;
  handler: ReplyHandler;
  /** Stops the poller, then the analysis threads. */
  stop(): Promise<void>;
}

/**
 * The worker's inbound wiring (src/worker.ts): a ReplyHandler reading on analysis threads behind
 * a MailboxPoller holding the mailbox lease. ready() waits for the threads to warm up (the worker
 * does so before its poller starts), and runs `warmUp` messages through them, since a worker's
 * threads run warm: call it before timing anything. Left out: metrics (no-ops by default) and the trained-model store (an empty
 * database has none, so the built-in model serves either way).
 */
export function wireInbound(
  db: Database,
  config: Config,
  sequence: Sequence,
  options: {
    onPoll?: (result: PollResult) => void;
    idleDelayMs?: number;
    /** Sees every handle() call, for timing; default: calls it straight through. */
    around?: (handle: () => Promise<ReplyOutcome>, origin: MessageOrigin) => Promise<ReplyOutcome>;
  } = {},
): InboundWiring & { ready(warmUp?: readonly string[]): Promise<void>; start(): Promise<void> } {
  const analyzer = new ThreadedAnalyzer(config.analysis);
  const handler = new ReplyHandler({
    db,
    analyzer,
    logger: silentLogger(),
    ownAddresses: () => new Set([sequence.sender.address]),
    getSequence: (id) => (id === sequence.id ? sequence : undefined),
    taskSettings: config.tasks,
  });
  const around = options.around ?? ((handle) => handle());
  const poller = new MailboxPoller({
    imap: config.imap,
    db,
    handle: (source, origin) => around(() => handler.handle(source, origin), origin),
    // BENCH_LOG=1: the poller's warnings (a failed poll, a lapsed lease) on stderr, to explain a slow run.
    logger: process.env.BENCH_LOG ? createLogger('warn', process.stderr) : silentLogger(),
    lease: new MailboxLease({ db, mailbox: mailboxKey(config.imap), leaseMs: config.imap.leaseMs }),
    ...(options.onPoll && { onPoll: options.onPoll }),
    ...(options.idleDelayMs !== undefined && { idleDelayMs: options.idleDelayMs }),
  });
  return {
    poller,
    handler,
    ready: async (warmUp = []) => {
      await analyzer.ready();
      for (const raw of warmUp) await analyzer.analyze(Buffer.from(raw), undefined).catch(() => undefined);
    },
    start: () => poller.start(),
    stop: async () => {
      await poller.stop();
      await analyzer.close();
    },
  };
}

/** Linux reports process CPU in clock ticks of 1/100 s (USER_HZ, `getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far by this process's child servers, by name (FerretDB, Dovecot and its
 * imap processes), including their reaped children; empty where /proc is missing.
 */
export function childServerCpu(): Map<string, number> {
  const procs = new Map<number, { ppid: number; comm: string; seconds: number }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return new Map();
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      // After "pid (comm) ": state is field 3, so field n sits at index n - 3 (proc(5)).
      const fields = stat.slice(close + 2).split(' ');
      const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0); // utime stime cutime cstime
      procs.set(Number(pid), {
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf('(') + 1, close),
        seconds: ticks / TICKS_PER_SECOND,
      });
    } catch {
      // The process exited while we looked: its time went to its parent's cutime.
    }
  }
  const byName = new Map<string, number>();
  const visit = (parent: number, name: string | undefined) => {
    for (const [pid, p] of procs) {
      if (p.ppid !== parent) continue;
      const group = name ?? (p.comm.startsWith('parley-ferretdb') ? 'FerretDB' : p.comm === 'dovecot' ? 'Dovecot' : p.comm);
      byName.set(group, (byName.get(group) ?? 0) + p.seconds);
      // A server's own children (Dovecot's imap processes) count towards it.
      visit(pid, group);
    }
  };
  visit(process.pid, undefined);
  return byName;
}

/** CPU seconds per child server between two childServerCpu() readings. */
export function cpuSince(before: Map<string, number>, after: Map<string, number> = childServerCpu()): Map<string, number> {
  return new Map([...after].map(([name, s]) => [name, s - (before.get(name) ?? 0)]));
}

export const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** The 1-minute load average, for the notes: other work on a 2-core machine moves every figure. */
export const loadNote = () => `load average ${loadavg()[0]?.toFixed(1) ?? '?'} at the start`;

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
