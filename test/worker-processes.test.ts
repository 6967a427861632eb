import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { copiesPerMessage } from './support/mail.ts';
import { quickFollowUp } from './support/sequences.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { killAllCli, startCli } from './support/worker-process.ts';

// The sending invariants with real `parley worker` processes: several on one database, and one
// killed with SIGKILL in the middle of a send.
describe('worker processes', () => {
  let services: TestServices;
  let db: Database;
  let sequence: Sequence;

  const workerEnv = (overrides: Record<string, string> = {}) =>
    services.env({ SEQUENCES_DIR: 'test/fixtures/sequences', SMTP_TIMEOUT_MS: '1000', SEND_LEASE_MS: '3000', ...overrides });

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
    sequence = await quickFollowUp();
  });
  afterAll(async () => {
    await killAllCli();
    await db?.close();
    await services?.stop();
  });

  it('two workers on one database send every step of every enrollment exactly once', async () => {
    const emails = Array.from({ length: 20 }, (_, i) => `pair${i}@lead.example`);
    const workers = [startCli(['worker'], workerEnv()), startCli(['worker'], workerEnv())];
    try {
      await enrollContacts(
        db,
        sequence,
        emails.map((email) => ({ email })),
      );
      await eventually(
        'both steps sent to every contact',
        async () =>
          (await db.enrollments.countDocuments({ email: { $in: emails }, status: 'completed' })) === emails.length ? true : undefined,
        60_000,
      );
    } finally {
      for (const w of workers) assert.equal(await w.kill('SIGTERM'), 0, `worker exits cleanly on SIGTERM:\n${w.output()}`);
    }
    const copies = copiesPerMessage(services.sink.received, emails);
    assert.equal(copies.size, emails.length * 2, 'two distinct steps per contact');
    assert.deepEqual(
      [...copies.values()].filter((n) => n !== 1),
      [],
      'no message arrived twice',
    );
    const byWorker = await db.deliveries.distinct('worker', { to: { $in: emails } });
    console.log(`# deliveries shared between ${byWorker.length} worker(s)`);
  });

  it('a worker killed in the middle of a send: after a restart the step goes out once', async () => {
    const email = 'killed@lead.example';
    // The SMTP conversation stalls after RCPT TO; the worker is killed there, before DATA.
    const holding = services.sink.holdNext('rcpt', 30_000);
    const first = startCli(['worker'], workerEnv());
    await enrollContacts(db, sequence, [{ email }]);
    await holding;
    await first.kill('SIGKILL');
    const [claimed] = await db.sendClaims.find({ to: email }).toArray();
    assert.ok(claimed, 'the dead worker left its claim behind');
    assert.equal(await db.deliveries.countDocuments({ _id: claimed._id }), 0, 'with no outcome');

    const second = startCli(['worker'], workerEnv());
    try {
      await eventually(
        'both steps sent after the restart',
        async () => ((await db.enrollments.countDocuments({ email, status: 'completed' })) === 1 ? true : undefined),
        30_000,
      );
    } finally {
      await second.kill('SIGTERM');
    }
    const copies = copiesPerMessage(services.sink.received, [email]);
    assert.deepEqual([...copies.values()], [1, 1], 'step 1 once and step 2 once');
    const claims = await db.sendClaims.find({ to: email, stepId: 'hello' }).sort({ attempt: 1 }).toArray();
    assert.deepEqual(
      claims.map((c) => c.attempt),
      [1, 2],
      'the dead claim, then the takeover',
    );
    const outcomes = await db.deliveries.find({ to: email, stepId: 'hello' }).toArray();
    assert.deepEqual(
      outcomes.map((d) => [d.attempt, d.state]),
      [[2, 'sent']],
    );
  });

  it('a worker killed with SIGKILL in the middle of a burst, then restarted: every due step sent, none twice', async () => {
    const emails = Array.from({ length: 150 }, (_, i) => `burst${i}@lead.example`);
    // One lane per run, so the kill lands on the held send. The send job may still run twice at
    // once in one process (its runs overlap), so a second send can be in flight at the kill: if
    // the sink had just accepted it, that step goes out again with the same Message-ID, the
    // documented window the next test covers. Any other second copy is a defect.
    const env = workerEnv({ SEND_INTERVAL_MS: '4000', SEND_BATCH_SIZE: '100', SEND_CONCURRENCY: '1' });
    await enrollContacts(
      db,
      sequence,
      emails.map((email) => ({ email })),
    );
    const first = startCli(['worker'], env);
    await eventually(
      'the burst under way',
      async () => (copiesPerMessage(services.sink.received, emails).size >= 40 ? true : undefined),
      60_000,
    );
    await services.sink.holdNext('rcpt', 30_000);
    await first.kill('SIGKILL');
    const beforeRestart = copiesPerMessage(services.sink.received, emails).size;
    assert.ok(beforeRestart < emails.length * 2, 'killed before the burst was over');

    const second = startCli(['worker'], env);
    try {
      await eventually(
        'every step sent after the restart',
        async () =>
          (await db.enrollments.countDocuments({ email: { $in: emails }, status: 'completed' })) === emails.length ? true : undefined,
        90_000,
      );
    } finally {
      await second.kill('SIGTERM');
    }
    const copies = copiesPerMessage(services.sink.received, emails);
    assert.equal(copies.size, emails.length * 2, 'both steps of every contact arrived');
    const twice = [...copies.entries()].filter(([, n]) => n !== 1);
    assert.ok(twice.length <= 1, `at most the one overlapping send can be in the resend window: ${JSON.stringify(twice)}`);
    for (const [key, n] of twice) {
      assert.equal(n, 2, `${key}: a second copy at most`);
      const [to, messageId] = key.split(' ');
      const sent = await db.deliveries.find({ to, messageId, state: 'sent' }).toArray();
      assert.deepEqual(
        sent.map((d) => d.attempt),
        [2],
        `${key}: the copy comes from a takeover of the dead worker's claim, which it had left with no outcome`,
      );
      assert.equal(await db.deliveries.countDocuments({ to, messageId, attempt: 1 }), 0, `${key}: the dead worker recorded nothing`);
    }
    const taken =
      (await db.sendClaims.countDocuments({ to: { $in: emails } })) - (await db.deliveries.countDocuments({ to: { $in: emails } }));
    console.log(`# ${beforeRestart} sent before the kill; ${taken} claim(s) left by the dead worker and taken over`);
  });

  it('a worker killed after the server accepted but before recording it: resent with the same Message-ID', async () => {
    const email = 'accepted@lead.example';
    // The whole message has arrived; the sink holds its 250 answer and the worker dies waiting.
    const holding = services.sink.holdNext('data', 4_000);
    const first = startCli(['worker'], workerEnv());
    await enrollContacts(db, sequence, [{ email }]);
    await holding;
    await first.kill('SIGKILL');

    const second = startCli(['worker'], workerEnv());
    try {
      await eventually(
        'step 1 resent after the lease',
        async () => ((await db.deliveries.countDocuments({ to: email, stepId: 'hello', state: 'sent' })) === 1 ? true : undefined),
        30_000,
      );
    } finally {
      await second.kill('SIGTERM');
    }
    // The documented trade-off: a step is never lost, so this one window yields a second copy,
    // with the same Message-ID so receivers and clients fold them into one.
    const stepOne = await eventually('both copies at the sink', async () => {
      const copies = services.sink.received.filter((m) => m.envelopeTo[0] === email && m.parsed.subject?.startsWith('Quick'));
      return copies.length === 2 ? copies : undefined;
    });
    assert.equal(stepOne[0]?.parsed.messageId, stepOne[1]?.parsed.messageId);
  });
});
