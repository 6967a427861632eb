import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import type { SendMetrics } from '../src/monitoring/index.ts';
import { freePort } from '../src/embedded/index.ts';
import { createSmtpTransport, stepMessageId, type MailTransport, type StepSenderOptions } from '../src/sending/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { testSender } from './support/sender.ts';
import { startTestServices, type TestServices } from './support/services.ts';
import { quickFollowUp } from './support/sequences.ts';

// The step sender against FerretDB (or MONGODB_URL) and a real SMTP sink, driven with a clock of
// the test's own so "due" is exact and no test waits for wall time.
describe('sending due steps', () => {
  let services: TestServices;
  let db: Database;
  let transport: MailTransport;
  let sequence: Sequence;
  let clock = new Date('2026-03-02T09:00:00Z');

  const sender = (worker: Partial<StepSenderOptions> = {}) =>
    testSender({ db, transport, sequence: () => sequence, now: () => clock }, worker);
  /** The database as one sender sees it when only this enrollment is due. */
  const only = (enrolled: Awaited<ReturnType<typeof enrollContacts>>[number] | undefined) => {
    const id = enrolled?.outcome === 'enrolled' ? enrolled.enrollmentId : '';
    return {
      ...db,
      enrollments: Object.create(db.enrollments, {
        find: { value: (filter: object) => db.enrollments.find({ ...filter, _id: id }) },
      }) as typeof db.enrollments,
    };
  };

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config();
    db = await connectDatabase(services.mongoUrl, config.mongo.database);
    transport = createSmtpTransport(config.smtp);
    sequence = await quickFollowUp();
  });
  afterAll(async () => {
    transport?.close();
    await db?.close();
    await services?.stop();
  });

  it('sends step 1 as a new thread and step 2 as a reply in it, recording each send', async () => {
    const [outcome] = await enrollContacts(db, sequence, [{ email: 'Ada@Lead.Example', firstName: 'Ada', company: 'Acme' }], clock);
    assert.equal(outcome?.outcome, 'enrolled');
    const enrollmentId = outcome.outcome === 'enrolled' ? outcome.enrollmentId : '';
    const before = services.sink.received.length;

    assert.deepEqual(await sender().runOnce(), { sent: 1, failed: 0, skipped: 0, deferred: 0 });
    const [first] = (await services.sink.waitFor(before + 1)).slice(before);
    assert.equal(first?.parsed.subject, 'Quick question about Acme');
    assert.equal(first?.parsed.messageId, stepMessageId(enrollmentId, 'hello', 'parley.test'));
    assert.match(first?.parsed.text ?? '', /^Hi Ada,/);
    assert.equal(first?.parsed.inReplyTo, undefined);
    assert.deepEqual(first?.envelopeTo, ['ada@lead.example']);

    // Not yet due: the follow-up waits 3 seconds after step 1.
    assert.deepEqual(await sender().runOnce(), { sent: 0, failed: 0, skipped: 0, deferred: 0 });
    clock = new Date(clock.getTime() + 3_000);
    assert.deepEqual(await sender().runOnce(), { sent: 1, failed: 0, skipped: 0, deferred: 0 });
    const second = (await services.sink.waitFor(before + 2))[before + 1];
    assert.equal(second?.parsed.subject, 'Re: Quick question about Acme');
    assert.equal(second?.parsed.inReplyTo, first?.parsed.messageId);
    assert.equal(second?.parsed.references, first?.parsed.messageId);

    const deliveries = await db.deliveries.find({ enrollmentId }).sort({ stepIndex: 1 }).toArray();
    assert.deepEqual(
      deliveries.map((d) => [d.stepId, d.state, d.attempt, d.messageId]),
      [
        ['hello', 'sent', 1, first?.parsed.messageId],
        ['nudge', 'sent', 1, second?.parsed.messageId],
      ],
    );
    assert.match(deliveries[0]?.smtpResponse ?? '', /^250/);
    assert.ok(deliveries[0]?.sentAt instanceof Date);
    const enrollment = await db.enrollments.findOne({ _id: enrollmentId });
    assert.equal(enrollment?.status, 'completed');
    assert.equal(enrollment?.nextStepAt, null);
  });

  it('never sends a step twice when many senders run at once on one database', async () => {
    const emails = Array.from({ length: 25 }, (_, i) => `race${i}@lead.example`);
    await enrollContacts(
      db,
      sequence,
      emails.map((email) => ({ email })),
      clock,
    );
    const before = services.sink.received.length;
    // Six concurrent senders, each with its own worker identity, racing over the same due steps.
    const results = await Promise.all(Array.from({ length: 6 }, () => sender().runOnce()));
    assert.equal(
      results.reduce((n, r) => n + r.sent, 0),
      emails.length,
    );
    assert.ok(results.reduce((n, r) => n + r.skipped, 0) > 0, 'the senders really raced for the same steps');
    const received = (await services.sink.waitFor(before + emails.length)).slice(before);
    const recipients = received.map((m) => m.envelopeTo[0]).sort();
    assert.deepEqual(recipients, [...emails].sort());
    const attempts = await db.deliveries.countDocuments({ to: { $in: emails } });
    assert.equal(attempts, emails.length);
  });

  it('retries a step whose sending worker died, once its lease has run out', async () => {
    const [outcome] = await enrollContacts(db, sequence, [{ email: 'lease@lead.example' }], clock);
    assert.equal(outcome?.outcome, 'enrolled');
    const enrollmentId = outcome.outcome === 'enrolled' ? outcome.enrollmentId : '';
    // A worker that claimed the step and died before sending: its claim has no outcome.
    await db.sendClaims.insertOne({
      _id: `${enrollmentId}:hello#1`,
      enrollmentId,
      stepId: 'hello',
      attempt: 1,
      worker: 'dead-worker',
      leaseUntil: new Date(clock.getTime() + 60_000),
      from: 'dana@parley.test',
      to: 'lease@lead.example',
      claimedAt: clock,
    });
    const mine = (r: { envelopeTo: string[] }) => r.envelopeTo[0] === 'lease@lead.example';
    await sender().runOnce();
    assert.equal(services.sink.received.filter(mine).length, 0, 'the lease still holds: nobody else sends');

    clock = new Date(clock.getTime() + 61_000);
    await sender().runOnce();
    await sender().runOnce();
    const claims = await db.sendClaims.find({ enrollmentId, stepId: 'hello' }).sort({ attempt: 1 }).toArray();
    assert.deepEqual(
      claims.map((c) => c.attempt),
      [1, 2],
    );
    const sent = await db.deliveries.find({ enrollmentId, stepId: 'hello' }).toArray();
    assert.deepEqual(
      sent.map((d) => [d.attempt, d.state]),
      [[2, 'sent']],
    );
    assert.equal(services.sink.received.filter(mine).length, 1);
  });

  it('after an upgrade, honours attempts an older version recorded as deliveries only', async () => {
    const [sentBefore, inFlight] = await enrollContacts(
      db,
      sequence,
      [{ email: 'old-sent@lead.example' }, { email: 'old-sending@lead.example' }],
      clock,
    );
    const legacy = (enrolled: typeof sentBefore, state: 'sent' | 'sending') => {
      const enrollmentId = enrolled?.outcome === 'enrolled' ? enrolled.enrollmentId : '';
      return {
        _id: `${enrollmentId}:hello#1`,
        enrollmentId,
        stepId: 'hello',
        stepIndex: 0,
        attempt: 1,
        state,
        worker: 'old-version',
        leaseUntil: new Date(clock.getTime() + 60_000),
        messageId: stepMessageId(enrollmentId, 'hello', 'parley.test'),
        from: 'dana@parley.test',
        to: enrolled?.email ?? '',
        subject: 'x',
        text: 'x',
        references: [],
        claimedAt: clock,
        ...(state === 'sent' && { sentAt: clock }),
      };
    };
    await db.deliveries.insertMany([legacy(sentBefore, 'sent'), legacy(inFlight, 'sending')]);
    // The upgrade: the first start of the new version copies a claim for every older delivery.
    await db.db.collection('migrations').deleteMany({});
    const upgraded = await connectDatabase(services.mongoUrl, services.config().mongo.database);
    try {
      assert.equal(await upgraded.sendClaims.countDocuments({ worker: 'old-version' }), 2);
      const mine = (r: { envelopeTo: string[] }) => ['old-sent@lead.example', 'old-sending@lead.example'].includes(r.envelopeTo[0] ?? '');
      await sender({ db: upgraded }).runOnce();
      assert.equal(services.sink.received.filter(mine).length, 0, 'the sent step is not sent again, the one in flight keeps its lease');
      const moved = await upgraded.enrollments.findOne({ email: 'old-sent@lead.example' });
      assert.deepEqual(moved?.passedStepIds, ['hello']);
    } finally {
      await upgraded.close();
    }
  });

  it('does not send a step to an enrollment paused after it was read as due', async () => {
    const [outcome] = await enrollContacts(db, sequence, [{ email: 'paused@lead.example' }], clock);
    const enrollmentId = outcome?.outcome === 'enrolled' ? outcome.enrollmentId : '';
    // A reply pauses the enrollment right after this sender claimed the step (between its query
    // and its send): the re-check after the claim must see it.
    const sendClaims: typeof db.sendClaims = Object.create(db.sendClaims, {
      insertOne: {
        value: async (doc: Parameters<typeof db.sendClaims.insertOne>[0]) => {
          const inserted = await db.sendClaims.insertOne(doc);
          await db.enrollments.updateOne({ _id: enrollmentId }, { $set: { status: 'paused' } });
          return inserted;
        },
      },
    });
    const result = await sender({ db: { ...only(outcome), sendClaims } }).runOnce();
    assert.deepEqual(result, { sent: 0, failed: 0, skipped: 1, deferred: 0 });
    const attempts = await db.deliveries.find({ enrollmentId }).toArray();
    assert.deepEqual(
      attempts.map((a) => a.state),
      ['abandoned'],
    );
    assert.equal(services.sink.received.filter((r) => r.envelopeTo[0] === 'paused@lead.example').length, 0);
  });

  it('retries a step the server refused for now (4xx), and stops the enrollment on a permanent refusal (5xx)', async () => {
    const [soft, hard] = await enrollContacts(db, sequence, [{ email: 'soft@lead.example' }, { email: 'hard@lead.example' }], clock);
    const softId = soft?.outcome === 'enrolled' ? soft.enrollmentId : '';
    const hardId = hard?.outcome === 'enrolled' ? hard.enrollmentId : '';

    services.sink.refuseNext(451, 'Greylisted, try again later');
    assert.deepEqual(await sender({ db: only(soft) }).runOnce(), { sent: 0, failed: 1, skipped: 0, deferred: 0 });
    const waiting = await db.enrollments.findOne({ _id: softId });
    assert.equal(waiting?.status, 'active');
    assert.ok(waiting?.nextStepAt && waiting.nextStepAt > clock, 'retry is scheduled later');
    clock = new Date(waiting.nextStepAt.getTime());
    assert.deepEqual(await sender({ db: only(soft) }).runOnce(), { sent: 1, failed: 0, skipped: 0, deferred: 0 });
    const softAttempts = await db.deliveries.find({ enrollmentId: softId }).sort({ attempt: 1 }).toArray();
    assert.deepEqual(
      softAttempts.map((d) => [d.attempt, d.state, d.error?.code]),
      [
        [1, 'failed', 'SMTP_TEMPORARY'],
        [2, 'sent', undefined],
      ],
    );

    services.sink.refuseNext(550, 'No such user here');
    assert.deepEqual(await sender({ db: only(hard) }).runOnce(), { sent: 0, failed: 1, skipped: 0, deferred: 0 });
    const stopped = await db.enrollments.findOne({ _id: hardId });
    assert.equal(stopped?.status, 'stopped');
    assert.match(stopped?.statusReason ?? '', /550|No such user/);
    const [failed] = await db.deliveries.find({ enrollmentId: hardId }).toArray();
    assert.deepEqual([failed?.state, failed?.error?.code, failed?.error?.permanent], ['failed', 'SMTP_PERMANENT', true]);
  });

  it('treats a refused connection and a server too slow to answer as temporary: each attempt recorded, retried with backoff, sent once', async () => {
    const email = 'flaky@lead.example';
    const [enrolled] = await enrollContacts(db, sequence, [{ email }], clock);
    const id = enrolled?.outcome === 'enrolled' ? enrolled.enrollmentId : '';
    const config = services.config();
    const nobodyListening = createSmtpTransport({ ...config.smtp, port: await freePort() });
    const impatient = createSmtpTransport({ ...config.smtp, timeoutMs: 300 });
    const started = clock;
    try {
      assert.deepEqual(await sender({ db: only(enrolled), transport: nobodyListening }).runOnce(), {
        sent: 0,
        failed: 1,
        skipped: 0,
        deferred: 0,
      });
      const afterRefused = await db.enrollments.findOne({ _id: id });
      assert.equal(afterRefused?.nextStepAt?.getTime(), started.getTime() + 60_000, 'first retry a minute later');

      clock = afterRefused.nextStepAt!;
      const holding = services.sink.holdNext('rcpt', 2_000);
      assert.deepEqual(await sender({ db: only(enrolled), transport: impatient }).runOnce(), {
        sent: 0,
        failed: 1,
        skipped: 0,
        deferred: 0,
      });
      await holding;
      const afterSlow = await db.enrollments.findOne({ _id: id });
      assert.equal(afterSlow?.nextStepAt?.getTime(), clock.getTime() + 120_000, 'the next retry backs off to two minutes');

      clock = afterSlow.nextStepAt!;
      assert.equal((await sender({ db: only(enrolled) }).runOnce()).sent, 1);
    } finally {
      nobodyListening.close();
      impatient.close();
    }
    const attempts = await db.deliveries.find({ enrollmentId: id, stepId: 'hello' }).sort({ attempt: 1 }).toArray();
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.state, a.error?.code]),
      [
        [1, 'failed', 'SMTP_TEMPORARY'],
        [2, 'failed', 'SMTP_TEMPORARY'],
        [3, 'sent', undefined],
      ],
    );
    assert.match(attempts[0]?.error?.message ?? '', /ECONNREFUSED/);
    assert.match(attempts[1]?.error?.message ?? '', /timeout|timed out/i);
    // The slow server did take the message's envelope but never the message: one copy arrived.
    assert.equal(services.sink.received.filter((m) => m.envelopeTo[0] === email).length, 1);
  });

  it('pauses sending while the server refuses the login, stops no enrollment, and sends once the login works', async () => {
    const email = 'login@lead.example';
    const [enrolled] = await enrollContacts(db, sequence, [{ email }], clock);
    const id = enrolled?.outcome === 'enrolled' ? enrolled.enrollmentId : '';
    const due = (await db.enrollments.findOne({ _id: id }))?.nextStepAt;
    const oldPassword = createSmtpTransport({ ...services.config().smtp, auth: { user: 'dana', pass: 'old-password' } });
    // The password was rotated on the server and not yet in Parley's settings.
    services.sink.requireLogin({ user: 'dana', pass: 'new-password' });
    const worker = sender({ db: only(enrolled), transport: oldPassword, maxAttempts: 2 });
    const nothing = { sent: 0, failed: 0, skipped: 0, deferred: 0 };
    const later = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
    try {
      assert.deepEqual(await worker.runOnce(), { ...nothing, failed: 1 });
      // Paused: the job runs every few seconds and claims nothing (the server sees no login).
      for (let run = 0; run < 3; run += 1) assert.deepEqual(await worker.runOnce(), nothing);
      // Refused more often than the attempt limit: the step is still due, the enrollment running.
      later(16);
      assert.deepEqual(await worker.runOnce(), { ...nothing, failed: 1 });
      later(16);
      assert.deepEqual(await worker.runOnce(), { ...nothing, failed: 1 });
      const meanwhile = await db.enrollments.findOne({ _id: id });
      assert.deepEqual([meanwhile?.status, meanwhile?.nextStepAt?.getTime()], ['active', due?.getTime()]);
      // Settings and server agree again: the first run after the pause sends the step, once.
      services.sink.requireLogin({ user: 'dana', pass: 'old-password' });
      later(16);
      assert.deepEqual(await worker.runOnce(), { ...nothing, sent: 1 });
    } finally {
      oldPassword.close();
      services.sink.requireLogin(undefined);
    }
    const attempts = await db.deliveries.find({ enrollmentId: id, stepId: 'hello' }).sort({ attempt: 1 }).toArray();
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.state, a.error?.code, a.error?.permanent]),
      [
        [1, 'failed', 'SMTP_LOGIN_REFUSED', false],
        [2, 'failed', 'SMTP_LOGIN_REFUSED', false],
        [3, 'failed', 'SMTP_LOGIN_REFUSED', false],
        [4, 'sent', undefined, undefined],
      ],
    );
    assert.match(attempts[0]?.error?.message ?? '', /refused the login \(535\): check SMTP_USER and SMTP_PASS/);
    assert.equal(services.sink.received.filter((m) => m.envelopeTo[0] === email).length, 1);
  });

  it('stops the enrollment once temporary failures reach the attempt limit', async () => {
    const [enrolled] = await enrollContacts(db, sequence, [{ email: 'greylisted@lead.example' }], clock);
    for (const _ of [1, 2]) {
      services.sink.refuseNext(452, 'Mailbox full, try later');
      assert.deepEqual(await sender({ db: only(enrolled), maxAttempts: 2 }).runOnce(), { sent: 0, failed: 1, skipped: 0, deferred: 0 });
      clock = (await db.enrollments.findOne({ _id: enrolled?.outcome === 'enrolled' ? enrolled.enrollmentId : '' }))?.nextStepAt ?? clock;
    }
    const stopped = await db.enrollments.findOne({ _id: enrolled?.outcome === 'enrolled' ? enrolled.enrollmentId : '' });
    assert.equal(stopped?.status, 'stopped');
    assert.match(stopped?.statusReason ?? '', /452|try later/);
  });

  it('does not count a failed attempt against the caps: the retry of a one-email-per-contact step still goes out', async () => {
    const strict: Sequence = { ...sequence, policy: { ...sequence.policy, maxPerContact30d: 1 } };
    const [enrolled] = await enrollContacts(db, strict, [{ email: 'capped@lead.example' }], clock);
    const id = enrolled?.outcome === 'enrolled' ? enrolled.enrollmentId : '';
    const strictSender = (worker: Partial<StepSenderOptions> = {}) =>
      testSender({ db: only(enrolled), transport, sequence: () => strict, now: () => clock }, worker);
    services.sink.refuseNext(451, 'Greylisted, try again later');
    assert.equal((await strictSender().runOnce()).failed, 1);
    clock = (await db.enrollments.findOne({ _id: id }))?.nextStepAt ?? clock;
    assert.deepEqual(
      await strictSender().runOnce(),
      { sent: 1, failed: 0, skipped: 0, deferred: 0 },
      'the failed attempt left the one slot free',
    );
    assert.equal(await db.sendClaims.countDocuments({ releases: `${id}:hello#1` }), 1, 'the failed claim was released');
    // The step that did go out fills the slot: the next step waits 30 days.
    clock = new Date(clock.getTime() + 10_000);
    assert.deepEqual(await strictSender().runOnce(), { sent: 0, failed: 0, skipped: 0, deferred: 1 });
  });

  it('reports what happened to each due step to its metrics: sent, skipped, failed by kind', async () => {
    const seen: string[] = [];
    const metrics: SendMetrics = {
      stepSent: (id) => seen.push(`sent ${id}`),
      sendFailed: (id, kind) => seen.push(`failed ${id} ${kind}`),
      stepDeferred: (id) => seen.push(`deferred ${id}`),
      stepSkipped: (id) => seen.push(`skipped ${id}`),
      sendRunFinished: () => undefined,
    };
    const emails = ['refused@metrics.example', 'rejected@metrics.example', 'accepted@metrics.example'];
    const [refused, rejected, accepted] = await enrollContacts(
      db,
      sequence,
      emails.map((email) => ({ email })),
      clock,
    );
    // The sequence's file missing: the step waits, skipped.
    await sender({ db: only(accepted), metrics, getSequence: () => undefined }).runOnce();
    services.sink.refuseNext(451, 'Greylisted, try again later');
    await sender({ db: only(refused), metrics }).runOnce();
    services.sink.refuseNext(550, 'No such user here');
    await sender({ db: only(rejected), metrics }).runOnce();
    await sender({ db: only(accepted), metrics }).runOnce();
    assert.deepEqual(seen, [
      `skipped ${sequence.id}`,
      `failed ${sequence.id} temporary`,
      `failed ${sequence.id} permanent`,
      `sent ${sequence.id}`,
    ]);
  });
  it('claims no more steps once stopping: those left stay due and go out once in the next run', async () => {
    const emails = Array.from({ length: 6 }, (_, i) => `stopping-${i}@lead.example`);
    const enrolled = await enrollContacts(
      db,
      sequence,
      emails.map((email) => ({ email })),
      clock,
    );
    const ids = enrolled.map((e) => (e.outcome === 'enrolled' ? e.enrollmentId : ''));
    const these = {
      ...db,
      // Both conditions: findOne (the read after the claim) goes through find too.
      enrollments: Object.create(db.enrollments, {
        find: { value: (filter: object) => db.enrollments.find({ $and: [filter, { _id: { $in: ids } }] }) },
      }) as typeof db.enrollments,
    };
    const sentTo = async () =>
      (await db.deliveries.find({ enrollmentId: { $in: ids }, state: 'sent' }).toArray()).map((d) => d.enrollmentId);

    // Stopping before the run: nothing is claimed.
    await sender({ db: these }).runOnce(AbortSignal.abort());
    assert.equal(await db.deliveries.countDocuments({ enrollmentId: { $in: ids } }), 0);

    // Stopping once the second step went out, one step at a time: two sent, four still due, unclaimed.
    const stopping = new AbortController();
    let sends = 0;
    const stopAfterTwo: MailTransport = {
      ...transport,
      send: async (message) => {
        const receipt = await transport.send(message);
        if (++sends === 2) stopping.abort();
        return receipt;
      },
    };
    const stopped = await sender({ db: these, transport: stopAfterTwo, concurrency: 1 }).runOnce(stopping.signal);
    assert.equal(stopped.sent, 2, JSON.stringify(stopped));
    assert.equal((await sentTo()).length, 2);
    assert.equal(await db.deliveries.countDocuments({ enrollmentId: { $in: ids } }), 2, 'no claim left behind for the steps not sent');
    const due = await db.enrollments.countDocuments({ _id: { $in: ids }, status: 'active', nextStepAt: { $lte: clock } });
    assert.equal(due, 4, 'the steps not sent are still due');

    // The next run sends exactly those four.
    assert.equal((await sender({ db: these }).runOnce()).sent, 4);
    const all = await sentTo();
    assert.equal(all.length, 6);
    assert.equal(new Set(all).size, 6, 'each step went out once');
  });
});
