import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { freePort, mailboxClient } from '../src/embedded/index.ts';
import {
  MailboxPoller,
  QUARANTINED_KEYWORD,
  ReplyHandler,
  ThreadedAnalyzer,
  type MessageAnalyzer,
  type PollResult,
} from '../src/inbound/index.ts';
import { silentLogger } from '../src/logger.ts';
import { slowToReadMessage } from './support/hostile-mail.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { killAllCli, startCli } from './support/worker-process.ts';

// Mail that takes long to read, or that stops a worker, must cost a thread and a few tries, never
// the worker: the event loop answers, the replies behind it are handled, and a message that never
// finishes is quarantined after INBOUND_MAX_ATTEMPTS tries and not fetched again.
describe('poison and slow mail', () => {
  let services: TestServices;
  let db: Database;

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
  });
  afterEach(async () => {
    await killAllCli();
    await db.quarantine.deleteMany({});
  });
  afterAll(async () => {
    await killAllCli();
    await db?.close();
    await services?.stop();
  });

  const reply = (id: string, body: string) =>
    replyMessage({
      from: `Lee <lee-${id}@lead.example>`,
      to: 'dana@parley.test',
      subject: 'Re: hello',
      messageId: `<${id}@lead.example>`,
      body,
    });

  const handledReply = (id: string) => async () => {
    const found = await db.replies.findOne({ messageId: `<${id}@lead.example>` });
    return found && found.state !== 'received' ? found : undefined;
  };

  /** Each test reads a folder of its own (IMAP_MAILBOX), so it has a cursor and a record of tries of its own. */
  async function createFolder(name: string): Promise<void> {
    const client = mailboxClient(services.mailbox);
    await client.connect();
    try {
      await client.mailboxCreate(name);
    } finally {
      await client.logout();
    }
  }

  /** The message's flags in the folder, read the way a mail client would. */
  async function flagsOf(folder: string, messageId: string): Promise<Set<string>> {
    const client = mailboxClient(services.mailbox);
    await client.connect();
    try {
      await client.mailboxOpen(folder);
      const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      const uid = (uids || [])[0];
      if (uid === undefined) throw new Error(`no message ${messageId} in the mailbox`);
      const message = await client.fetchOne(String(uid), { flags: true }, { uid: true });
      return message ? (message.flags ?? new Set()) : new Set();
    } finally {
      await client.logout();
    }
  }

  it('tries a message that runs out of time three times, quarantines it with the reason, and never reads it again', async () => {
    await createFolder('TimedOut');
    const config = services.config({
      IMAP_MAILBOX: 'TimedOut',
      IMAP_MAX_MESSAGE_BYTES: String(30 * 1024 * 1024),
      INBOUND_MAX_ATTEMPTS: '3',
      IMAP_POLL_INTERVAL_MS: '500',
    });
    // Real threads with a budget far below what the slow message needs; counted on the way in.
    const threads = new ThreadedAnalyzer({ threads: 1, timeoutMs: 600, heapMb: 512 });
    const reads = new Map<number, number>();
    const analyzer: MessageAnalyzer = {
      analyze: (source, model) => {
        reads.set(source.length, (reads.get(source.length) ?? 0) + 1);
        return threads.analyze(source, model);
      },
      close: () => threads.close(),
    };
    const handler = new ReplyHandler({ db, logger: silentLogger(), ownAddresses: () => new Set(), getSequence: () => undefined, analyzer });
    const polls: PollResult[] = [];
    const poller = new MailboxPoller({
      imap: config.imap,
      db,
      handle: (source, origin) => handler.handle(source, origin),
      logger: silentLogger(),
      onPoll: (r) => polls.push(r),
    });
    const slow = slowToReadMessage({ megabytes: 18, messageId: '<slow-one@lead.example>' });
    try {
      await services.mailbox.deliver(reply('before-slow', 'Yes, tell me more.'), 'TimedOut');
      await services.mailbox.deliver(slow, 'TimedOut');
      await services.mailbox.deliver(reply('after-slow', 'Sounds good, call me Tuesday.'), 'TimedOut');
      await poller.start();

      const quarantined = [
        await eventually('the slow message quarantined', () => db.quarantine.findOne({}).then((q) => q ?? undefined), 90_000),
      ];
      expect((await eventually('the reply behind the slow message', handledReply('after-slow'))).state).toBe('unmatched');
      expect(await eventually('the first reply', handledReply('before-slow'))).toBeTruthy();
      expect(quarantined.map((q) => q.code)).toEqual(['ANALYSIS_TIMED_OUT']);
      expect(quarantined[0]!.reason).toMatch(/tried 3 times; last: Reading the message took over 600 ms/);
      expect(reads.get(slow.length)).toBe(3);
      expect(await flagsOf('TimedOut', '<slow-one@lead.example>')).toContain(QUARANTINED_KEYWORD);

      // Later polls pass it by unread, and the record of its tries is gone.
      await services.mailbox.deliver(reply('later', 'One more thing: pricing?'), 'TimedOut');
      await eventually('a later reply', handledReply('later'));
      expect(reads.get(slow.length)).toBe(3);
      expect(await db.quarantine.countDocuments({})).toBe(1);
      const cursor = await db.mailboxCursors.findOne({ _id: /\/TimedOut$/ });
      expect(cursor?.tries).toBeUndefined();
    } finally {
      await poller.stop();
      await analyzer.close();
    }
  }, 150_000);

  it('quarantines a message that was in hand each time a worker was killed, and handles the reply behind it', async () => {
    await createFolder('Killer');
    await services.mailbox.deliver(slowToReadMessage({ megabytes: 18, messageId: '<killer@lead.example>' }), 'Killer');
    await services.mailbox.deliver(reply('behind-killer', 'Interested, send pricing.'), 'Killer');
    const env = services.env({
      IMAP_MAILBOX: 'Killer',
      WEB_PORT: '0',
      LOG_LEVEL: 'debug',
      IMAP_MAX_MESSAGE_BYTES: String(30 * 1024 * 1024),
      INBOUND_MAX_ATTEMPTS: '3',
      // A killed worker's lease on the mailbox runs out soon, so the next one takes over quickly.
      IMAP_LEASE_MS: '1500',
      // Far more than the message needs: the tries here are cut off by kills, not by the budget.
      ANALYSIS_TIMEOUT_MS: '120000',
    });
    let kills = 0;
    for (let start = 1; start <= 6; start++) {
      const worker = startCli(['worker'], env);
      // Killed once the poll has recorded the try and begins the message: what a crash under it does.
      const outcome = await eventually(
        'the worker to record a try or quarantine the message',
        async () => {
          const output = worker.output();
          if (output.includes('"code":"MESSAGE_POISONED"')) return 'quarantined';
          if (output.includes('"msg":"tries recorded"')) return 'trying';
          if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${output}`);
          return undefined;
        },
        60_000,
      );
      if (outcome === 'quarantined') break;
      await worker.kill('SIGKILL');
      kills += 1;
    }
    expect(kills).toBe(3);
    const behind = await eventually('the reply behind the poison message', handledReply('behind-killer'), 60_000);
    expect(behind.state).toBe('unmatched');
    const quarantined = await db.quarantine.find({}).toArray();
    expect(quarantined.map((q) => q.code)).toEqual(['MESSAGE_POISONED']);
    expect(quarantined[0]!.reason).toMatch(/tried 3 times without finishing; last: the worker stopped while it was in hand/);
    expect(await flagsOf('Killer', '<killer@lead.example>')).toContain(QUARANTINED_KEYWORD);
  }, 240_000);

  it('answers /healthz at once while it reads slow mail', async () => {
    await createFolder('Slow');
    const port = await freePort();
    const worker = startCli(
      ['worker'],
      services.env({ IMAP_MAILBOX: 'Slow', WEB_PORT: String(port), IMAP_MAX_MESSAGE_BYTES: String(30 * 1024 * 1024) }),
    );
    await eventually('the worker to answer /healthz', async () =>
      (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok ? true : undefined,
    );
    // Four messages of about a second of parsing each, then a reply to wait for.
    const ids = ['slow-a', 'slow-b', 'slow-c', 'slow-d'];
    for (const id of ids) await services.mailbox.deliver(slowToReadMessage({ megabytes: 9, messageId: `<${id}@lead.example>` }), 'Slow');
    await services.mailbox.deliver(reply('after-the-slow-ones', 'Yes please.'), 'Slow');
    let slowest = 0;
    let answers = 0;
    const started = performance.now();
    let done = false;
    const waiting = eventually(
      'every slow message and the reply after them',
      async () => ((await Promise.all([...ids, 'after-the-slow-ones'].map((id) => handledReply(id)()))).every(Boolean) ? true : undefined),
      120_000,
    ).finally(() => (done = true));
    while (!done) {
      const asked = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      slowest = Math.max(slowest, performance.now() - asked);
      answers += response.ok ? 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waiting;
    const readingMs = performance.now() - started;
    // Reading took seconds; on the event loop each message would hold /healthz for about a second.
    expect(readingMs).toBeGreaterThan(2_000);
    expect(answers).toBeGreaterThan(20);
    expect(slowest, `slowest /healthz answer while reading: ${slowest.toFixed(0)} ms`).toBeLessThan(500);
    await worker.kill('SIGTERM');
  }, 180_000);
});
