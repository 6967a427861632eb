import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { freePort, mailboxClient } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import {
  MailboxPoller,
  mailboxKey,
  PROCESSED_KEYWORD,
  QUARANTINED_KEYWORD,
  ReplyHandler,
  type ReplyOutcome,
} from '../src/inbound/index.ts';
import { silentLogger } from '../src/logger.ts';
import { loadSequenceFile, type Sequence } from '../src/sequences/index.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { killAllCli, startCli, type CliProcess } from './support/worker-process.ts';

// Issue 7: the IMAP server drops mid-session and restarts. The poller reconnects with backoff,
// misses no reply and handles none twice. Dovecot is killed for real (every process, so sessions
// are cut) and started again on the same port with the same maildir.

/** The cap of the reconnect backoff in these tests, so an outage of a few seconds reaches it. */
const RECONNECT_MAX_MS = 2_000;
/** The poller's first reconnect delay (FIRST_RECONNECT_DELAY_MS in mailbox-poller.ts). */
const FIRST_DELAY_MS = 500;
/**
 * Long on purpose: the interval timer must not be what finds the replies after a restart. The
 * poll the new session asks for, and IDLE, have to.
 */
const POLL_INTERVAL_MS = '60000';

// The follow-up waits two days, so no enrollment is still active (or finished) because a second
// email went out while its reply waited out the outage.
const SEQUENCE_YAML = `id: imap-restart
name: IMAP restart (tests)
sender: { name: Dana from Parley, address: dana@parley.test }
policy:
  send_days: [mon, tue, wed, thu, fri, sat, sun]
  send_hours: { start: "00:00", end: "24:00" }
  mailbox_caps: { per_hour: 100000, per_day: 100000 }
steps:
  - id: hello
    subject: "Quick question"
    body: |
      Hi {{ first_name | default: "there" }}, what made you look for a new way to talk to your customers?
  - id: nudge
    wait: 2 days
    body: |
      Hi {{ first_name | default: "there" }}, one more thought: is this still on your list?
`;

interface LogLine {
  time: number;
  msg: string;
  [key: string]: unknown;
}

/** The worker's pino lines (LOG_LEVEL=debug); anything else it printed is skipped. */
function logLines(worker: CliProcess): LogLine[] {
  return worker
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

const readyzStatus = async (base: string): Promise<number | undefined> => {
  try {
    return (await fetch(`${base}/readyz`)).status;
  } catch {
    return undefined; // not listening yet
  }
};

/** Sleeps; only to let time pass (an outage, IDLE starting), never to prove that nothing happened. */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Delays that start at FIRST_DELAY_MS and double, capped at RECONNECT_MAX_MS, each within ±20% (jitter). */
function assertBackoff(delays: number[], label: string): void {
  assert.ok(delays.length >= 3, `${label}: several attempts while down: ${delays.join(', ')}`);
  delays.forEach((delay, n) => {
    const base = FIRST_DELAY_MS * 2 ** n;
    const [low, high] = [Math.min(RECONNECT_MAX_MS, Math.floor(base * 0.8)), Math.min(RECONNECT_MAX_MS, Math.ceil(base * 1.2))];
    assert.ok(delay >= low && delay <= high, `${label}: delay ${n + 1} within [${low}, ${high}] ms: ${delays.join(', ')}`);
  });
}

/** Every message in the INBOX with its flags, read by a client of the test's own. */
async function inboxFlags(services: TestServices): Promise<Array<{ uid: number; messageId: string | undefined; flags: Set<string> }>> {
  const client = mailboxClient(services.mailbox);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const messages = await client.fetchAll('1:*', { uid: true, flags: true, envelope: true });
    return messages.map((m) => ({ uid: m.uid, messageId: m.envelope?.messageId, flags: m.flags ?? new Set() }));
  } finally {
    await client.logout();
  }
}

describe('the IMAP server restarts under a running worker (issue 7)', () => {
  let services: TestServices;
  let db: Database;
  let sequenceDir: string;
  let sequence: Sequence;

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
    sequenceDir = await mkdtemp(join(tmpdir(), 'parley-imap-restart-'));
    await writeFile(join(sequenceDir, 'imap-restart.yaml'), SEQUENCE_YAML);
    const loaded = await loadSequenceFile(join(sequenceDir, 'imap-restart.yaml'));
    assert.ok(loaded.ok, JSON.stringify(loaded));
    sequence = loaded.sequence;
  });
  // A test that failed half-way leaves no worker polling the mailbox under the next one.
  afterEach(async () => {
    await killAllCli();
  });
  afterAll(async () => {
    await killAllCli();
    await db?.close();
    await services?.stop();
    if (sequenceDir) await rm(sequenceDir, { recursive: true, force: true });
  });

  /** The count of replies the worker has finished. */
  const processed = () => db.replies.countDocuments({ state: 'processed' });

  it('reconnects with backoff after a crash while idle and a shutdown mid-poll; every reply is handled exactly once', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const worker = startCli(
      ['worker'],
      services.env({
        SEQUENCES_DIR: sequenceDir,
        WEB_PORT: String(port),
        // debug: the poller's 'poll started', 'cursor saved' and 'poll finished' lines, shown on a failure below.
        LOG_LEVEL: 'debug',
        IMAP_POLL_INTERVAL_MS: POLL_INTERVAL_MS,
        IMAP_RECONNECT_MAX_MS: String(RECONNECT_MAX_MS),
      }),
    );
    let exitedEarly: number | string | undefined;
    void worker.exited.then((code) => (exitedEarly = code));
    const ready = (status: number) => async () => ((await readyzStatus(base)) === status ? true : undefined);
    await eventually('the worker is ready', ready(200), 30_000);

    // 30 conversations, each with step 1 sent: replies name it in In-Reply-To.
    const emails = Array.from({ length: 30 }, (_, i) => `lead-${i + 1}@lead.example`);
    await enrollContacts(
      db,
      sequence,
      emails.map((email) => ({ email })),
    );
    await eventually(
      'step 1 sent to all 30',
      async () => ((await db.deliveries.countDocuments({ stepId: 'hello', state: 'sent' })) === 30 ? true : undefined),
      30_000,
    );
    const sentTo = new Map((await db.deliveries.find({ stepId: 'hello', state: 'sent' }).toArray()).map((d) => [d.to, d.messageId]));
    const messageIdOf = (i: number) => `<restart-reply-${i}@lead.example>`;
    const deliverReply = async (i: number) => {
      const email = emails[i - 1] ?? '';
      const inReplyTo = sentTo.get(email);
      assert.ok(inReplyTo, `a delivery to ${email}`);
      await services.mailbox.deliver(
        replyMessage({
          from: email,
          to: 'dana@parley.test',
          subject: 'Re: Quick question',
          messageId: messageIdOf(i),
          inReplyTo,
          references: [inReplyTo],
          body: 'Sounds good, can we talk on Thursday?',
        }),
      );
    };
    const untilProcessed = (n: number) =>
      eventually(`${n} replies processed`, async () => ((await processed()) >= n ? true : undefined), 20_000);

    // Outage 1, a crash (SIGKILL) while the worker sits in IDLE with everything handled.
    for (let i = 1; i <= 10; i++) await deliverReply(i);
    await untilProcessed(10);
    await pause(1_500); // the poller starts IDLE after 1 s of quiet
    const linesBefore1 = logLines(worker).length;
    const kill1 = Date.now();
    await services.mailbox.kill('SIGKILL');
    await eventually('/readyz says 503 while IMAP is down', ready(503), 5_000);
    const notReady1Ms = Date.now() - kill1;
    await pause(5_000 - (Date.now() - kill1)); // down for 5 s: attempts at 0.5, 1.5, 3.5 s, ...
    await services.mailbox.start();
    const restart1 = Date.now();
    // Mail that arrives the moment the server is back, before the poller has reconnected.
    for (let i = 11; i <= 15; i++) await deliverReply(i);
    await eventually('/readyz is 200 again', ready(200), RECONNECT_MAX_MS + 5_000);
    await untilProcessed(15);
    const outage1 = logLines(worker).slice(linesBefore1);

    // Outage 2, an orderly shutdown (SIGTERM: Dovecot says BYE) while the worker is mid-poll: 15
    // replies arrive at once and the server goes down after the first of them are handled.
    const linesBefore2 = logLines(worker).length;
    for (let i = 16; i <= 30; i++) await deliverReply(i);
    for (let deadline = Date.now() + 20_000; (await processed()) < 17;) {
      assert.ok(Date.now() < deadline, 'the worker started on the second batch');
      await pause(10);
    }
    const kill2 = Date.now();
    await services.mailbox.kill('SIGTERM');
    const handledWhenDown = await processed();
    await eventually('/readyz says 503 while IMAP is down', ready(503), 5_000);
    await pause(3_000 - (Date.now() - kill2));
    await services.mailbox.start();
    const restart2 = Date.now();
    await eventually('/readyz is 200 again', ready(200), RECONNECT_MAX_MS + 5_000);
    await untilProcessed(30);
    // The end state, not a sleep: the cursor is past the last message and every message is marked,
    // so nothing is left to fetch and handle again.
    const key = mailboxKey(services.config().imap);
    let lastSeen = '';
    const messages = await eventually(
      'every message marked processed and the cursor at the end',
      async () => {
        const flags = await inboxFlags(services);
        const cursor = await db.mailboxCursors.findOne({ _id: key });
        const done =
          flags.length === 30 &&
          flags.every((m) => m.flags.has(PROCESSED_KEYWORD)) &&
          cursor?.lastUid === Math.max(...flags.map((m) => m.uid));
        if (!done)
          lastSeen = `cursor ${cursor?.lastUid}; unmarked UIDs ${flags
            .filter((m) => !m.flags.has(PROCESSED_KEYWORD))
            .map((m) => m.uid)
            .join(',')} of ${flags.length}`;
        return done ? flags : undefined;
      },
      10_000,
    ).catch((error: unknown) => {
      // The poller's own lines (debug: each poll's start, cursor saves and end) say where it stopped.
      const poller = logLines(worker).filter((l) => l.component === 'mailbox-poller' && l.msg !== 'IMAP reconnect scheduled');
      throw new Error(
        `${String(error)}: ${lastSeen}\n${poller.map((l) => `${l.time} ${l.msg} ${JSON.stringify({ ...l, err: undefined })}`).join('\n')}`,
      );
    });
    const outage2 = logLines(worker).slice(linesBefore2);

    // Each reply once: one document, one task, its enrollment paused by it, one "reply handled".
    const replies = await db.replies.find({}).toArray();
    assert.equal(replies.length, 30);
    const handledLog = logLines(worker).filter((l) => l.msg === 'reply handled');
    for (let i = 1; i <= 30; i++) {
      const messageId = messageIdOf(i);
      const docs = replies.filter((r) => r.messageId === messageId);
      assert.equal(docs.length, 1, `one reply document for ${messageId}`);
      const [reply] = docs;
      assert.ok(reply);
      assert.equal(reply.state, 'processed', messageId);
      assert.equal(reply.matchedBy, 'thread', messageId);
      assert.equal(await db.tasks.countDocuments({ replyId: reply._id }), 1, `one task for ${messageId}`);
      const enrollment = await db.enrollments.findOne({ _id: reply.enrollmentId ?? '' });
      assert.equal(enrollment?.status, 'paused', messageId);
      assert.equal(enrollment?.statusReplyId, reply._id, messageId);
      assert.equal(handledLog.filter((l) => l.replyId === reply._id).length, 1, `handled once: ${messageId}`);
    }
    assert.equal(handledLog.length, 30);
    assert.equal(await db.tasks.countDocuments({}), 30);
    assert.deepEqual(await db.quarantine.find({}).toArray(), [], 'a dropped session is no reason to quarantine a reply');
    assert.ok(
      messages.every((m) => !m.flags.has(QUARANTINED_KEYWORD) && !m.flags.has('\\Seen')),
      'marked with the keyword only',
    );
    assert.ok(!logLines(worker).some((l) => l.msg.startsWith('UIDVALIDITY changed')), 'a restart keeps UIDVALIDITY');

    // Backoff: each outage starts at 500 ms and doubles up to the cap; a session that opened reset it.
    const delays = (lines: LogLine[]) => lines.filter((l) => l.msg === 'IMAP reconnect scheduled').map((l) => Number(l.delayMs));
    const delays1 = delays(outage1);
    const delays2 = delays(outage2);
    assertBackoff(delays1, 'outage 1');
    assert.equal(Math.max(...delays1), RECONNECT_MAX_MS, `outage 1 reached the cap: ${delays1.join(', ')}`);
    assertBackoff(delays2, 'outage 2');
    for (const [lines, label] of [
      [outage1, 'outage 1'],
      [outage2, 'outage 2'],
    ] as const) {
      assert.equal(lines.filter((l) => l.msg === 'IMAP session lost').length, 1, `${label}: the lost session is noticed once`);
      assert.equal(lines.filter((l) => l.msg === 'watching mailbox').length, 1, `${label}: one new session`);
    }
    const reconnectMs = (lines: LogLine[], restartedAt: number) =>
      (lines.find((l) => l.msg === 'watching mailbox')?.time ?? Infinity) - restartedAt;
    const reconnect1 = reconnectMs(outage1, restart1);
    const reconnect2 = reconnectMs(outage2, restart2);
    // At most one capped delay after the server is back (plus a connect and a login).
    for (const took of [reconnect1, reconnect2]) assert.ok(took <= RECONNECT_MAX_MS + 1_000, `reconnected ${took} ms after the restart`);

    assert.equal(exitedEarly, undefined, `the worker kept running:\n${worker.output()}`);
    console.log(
      `# outage 1 (SIGKILL while idle, 5 s): /readyz 503 after ${notReady1Ms} ms; reconnect delays ${delays1.join(', ')} ms; session back ${reconnect1} ms after the restart`,
    );
    console.log(
      `# outage 2 (SIGTERM mid-poll, 3 s): ${handledWhenDown - 15} of 15 handled when it went down; delays ${delays2.join(', ')} ms; session back ${reconnect2} ms after the restart`,
    );
    assert.ok(handledWhenDown < 30, `the shutdown came mid-poll (${handledWhenDown} of 30 handled)`);

    assert.equal(await worker.kill('SIGTERM'), 0, worker.output());
  });

  it('a message cut off mid-handling by the drop is finished on the new session at once, not quarantined', async () => {
    // In-process, to hold the poller inside one message while the server goes away and comes back.
    const config = services.config({ IMAP_POLL_INTERVAL_MS: POLL_INTERVAL_MS, IMAP_RECONNECT_MAX_MS: String(RECONNECT_MAX_MS) });
    const handler = new ReplyHandler({
      db,
      logger: silentLogger(),
      ownAddresses: () => new Set([sequence.sender.address]),
      getSequence: () => sequence,
    });
    const cutOff = '<cut-1@lead.example>';
    const messageIds = [cutOff, '<cut-2@lead.example>', '<cut-3@lead.example>'];
    const outcomes = new Map<string, ReplyOutcome[]>();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const poller = new MailboxPoller({
      imap: config.imap,
      db,
      logger: silentLogger(),
      handle: async (source, origin) => {
        const outcome = await handler.handle(source, origin);
        const messageId = messageIds.find((id) => source.includes(id)) ?? 'other';
        outcomes.set(messageId, [...(outcomes.get(messageId) ?? []), outcome]);
        if (messageId === cutOff && outcomes.get(messageId)?.length === 1) {
          // The reply is stored; the keyword is not set yet when the session drops.
          entered();
          await gate;
        }
        return outcome;
      },
    });
    try {
      await poller.start(); // no lease: the worker of the test before has stopped
      await eventually('connected', async () => (poller.connected ? true : undefined));
      for (const [i, messageId] of messageIds.entries()) {
        await services.mailbox.deliver(
          replyMessage({
            from: `cut-${i}@lead.example`,
            to: 'dana@parley.test',
            subject: 'Re: Quick question',
            messageId,
            body: 'Sounds good, call me.',
          }),
        );
      }
      await Promise.race([
        inside,
        new Promise((_resolve, reject) => setTimeout(() => reject(new Error('the handler never got the cut-off message')), 120_000)),
      ]);
      await services.mailbox.kill('SIGKILL');
      await eventually('the session is seen lost', async () => (poller.connected ? undefined : true), 5_000);
      await services.mailbox.start();
      await eventually('a new session', async () => (poller.connected ? true : undefined), RECONNECT_MAX_MS + 5_000);
      const released = Date.now();
      release();
      // Well under the 60 s poll interval: the new session's poll runs once the cut-off one gives up.
      await eventually(
        'all three marked processed',
        async () => {
          const ours = (await inboxFlags(services)).filter((m) => m.messageId && messageIds.includes(m.messageId));
          return ours.length === 3 && ours.every((m) => m.flags.has(PROCESSED_KEYWORD)) ? true : undefined;
        },
        5_000,
      );
      console.log(`# the cut-off message was finished ${Date.now() - released} ms after the handler let go`);
    } finally {
      release();
      await poller.stop();
    }
    assert.deepEqual(
      outcomes.get(cutOff)?.map((o) => o.kind),
      ['unmatched', 'duplicate'],
      'fetched again, and the handler knew it',
    );
    for (const messageId of messageIds) assert.equal(await db.replies.countDocuments({ messageId }), 1, messageId);
    assert.deepEqual(await db.quarantine.find({}).toArray(), [], 'not quarantined');
  });
});
