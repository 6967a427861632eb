import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { copiesPerMessage, replyMessage } from './support/mail.ts';
import { quickFollowUp } from './support/sequences.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { startSlowProxy, type SlowProxy } from './support/slow-proxy.ts';
import { killAllCli, startCli } from './support/worker-process.ts';

const CONTACTS = 150;
const REPLIES = 20;
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Each way, per chunk: a database round trip takes 0.2 s or more, and a step a few seconds. */
const DATABASE_DELAY_MS = 100;

// SIGTERM to a real `parley worker` whose database is slow, in the middle of a send run that has
// minutes of work left and while replies are being read: it stops between steps and between
// messages, exits within SHUTDOWN_TIMEOUT_MS, and a second worker finishes the rest with nothing
// sent twice and nothing lost.
describe('graceful shutdown on a slow database', () => {
  let services: TestServices;
  let db: Database;
  let sequence: Sequence;
  let proxy: SlowProxy;

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
    sequence = await quickFollowUp();
    const server = new URL(services.mongoUrl);
    proxy = await startSlowProxy({ host: server.hostname, port: Number(server.port) }, DATABASE_DELAY_MS);
  });
  afterAll(async () => {
    await killAllCli();
    await proxy?.stop();
    await db?.close();
    await services?.stop();
  });

  it('stops a send run between steps and the poller between replies, exits in time, and loses or doubles nothing', async () => {
    const emails = Array.from({ length: CONTACTS }, (_, i) => `slow${i}@lead.example`);
    const repliers = emails.slice(0, REPLIES);
    await enrollContacts(
      db,
      sequence,
      emails.map((email) => ({ email })),
    );
    const slowUrl = new URL(services.mongoUrl);
    slowUrl.host = proxy.address;
    const env = {
      SEQUENCES_DIR: 'test/fixtures/sequences',
      SMTP_TIMEOUT_MS: '2000',
      SEND_BATCH_SIZE: '500',
      IMAP_POLL_INTERVAL_MS: '500',
      IMAP_LEASE_MS: '3000',
      SEND_LEASE_MS: '10000',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      LOG_LEVEL: 'info',
    };
    const slow = startCli(['worker'], services.env({ ...env, MONGODB_URL: slowUrl.toString() }));
    await services.sink.waitFor(5, 120_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${slow.output()}`);
    });
    for (const email of repliers) {
      await services.mailbox.deliver(
        replyMessage({
          from: email,
          to: services.mailbox.address,
          subject: 'Re: Quick question',
          body: 'Tell me more, what does it cost?',
        }),
      );
    }
    await eventually('the slow worker handled a reply', async () => ((await db.tasks.countDocuments({})) > 0 ? true : undefined), 120_000);

    const began = Date.now();
    const code = await slow.kill('SIGTERM');
    const tookMs = Date.now() - began;
    assert.equal(code, 0, `clean exit on SIGTERM:\n${slow.output()}`);
    assert.ok(tookMs < SHUTDOWN_TIMEOUT_MS, `exited within SHUTDOWN_TIMEOUT_MS (took ${tookMs} ms)`);
    const sentBeforeStop = services.sink.received.length;
    const dueSteps = CONTACTS * 2;
    // The run had far more left than the shutdown bound allows: it was stopped, not finished.
    assert.ok(sentBeforeStop < dueSteps / 2, `${sentBeforeStop} of ${dueSteps} steps sent before the stop`);
    console.log(`# SIGTERM to exit on a slow database: ${tookMs} ms; ${sentBeforeStop} of ${dueSteps} steps sent`);

    const finisher = startCli(['worker'], services.env(env));
    try {
      await eventually(
        'every contact that did not reply got both steps, and every reply was read',
        async () => {
          const completed = await db.enrollments.countDocuments({ email: { $in: emails.slice(REPLIES) }, status: 'completed' });
          const repliedTo = await db.tasks.distinct('email', {});
          return completed === CONTACTS - REPLIES && repliedTo.length >= REPLIES ? true : undefined;
        },
        180_000,
      );
    } finally {
      assert.equal(await finisher.kill('SIGTERM'), 0, finisher.output());
    }
    const copies = copiesPerMessage(services.sink.received);
    assert.deepEqual(
      [...copies].filter(([, n]) => n !== 1),
      [],
      'no step arrived twice',
    );
    const tasksPerContact = await db.tasks.find({}, { projection: { email: 1 } }).toArray();
    assert.deepEqual(tasksPerContact.map((t) => t.email).sort(), [...repliers].sort(), 'one task per reply, none doubled or lost');
  });
});
