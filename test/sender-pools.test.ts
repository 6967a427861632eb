import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import type { ReceivedMail } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { parseMailboxes, type MailboxSettings } from '../src/mailboxes/index.ts';
import { createMailTransports, StepSender, type MailTransports, type StepSenderOptions } from '../src/sending/index.ts';
import { parseSequence, type Sequence } from '../src/sequences/index.ts';
import { startTestServices, type TestServices } from './support/services.ts';

// Sender pools (issue 17) against FerretDB (or MONGODB_URL) and the real SMTP sink, each mailbox
// with its own SMTP login, driven by a clock of the test's own so caps and waits are exact.
const HOUR = 60 * 60_000;

/** Mailboxes a, b, c share caps of 4 an hour; d and e have none (the sequence's own apply). */
function mailboxesFile(sink: { host: string; port: number }): string {
  const box = (user: string, domain: string, caps: string) =>
    `  - address: ${user}@${domain}\n    smtp: { host: ${sink.host}, port: ${sink.port}, secure: false, user: ${user}, pass_env: PASS_${user.toUpperCase()} }\n${caps}`;
  const capped = '    caps: { per_hour: 4, per_day: 100 }\n';
  return `mailboxes:\n${box('ann', 'one.test', capped)}${box('bob', 'two.test', capped)}${box('cat', 'three.test', capped)}${box('dan', 'four.test', '')}${box('eve', 'five.test', '')}`;
}

const sequenceFile = (id: string, senders: string, steps: string) => `id: ${id}
name: ${id}
${senders}
policy:
  send_days: [mon, tue, wed, thu, fri, sat, sun]
  send_hours: { start: "00:00", end: "24:00" }
  # The sequence allows far more: the mailboxes file's caps win.
  mailbox_caps: { per_hour: 1000, per_day: 1000 }
steps:
${steps}`;

const ONE_STEP = `  - id: hello
    subject: "Hello {{ first_name }}"
    body: Hi {{ first_name }}
`;
const TWO_STEPS = `${ONE_STEP}  - id: nudge
    wait: 3 seconds
    body: One more thought, {{ first_name }}
`;

function sequenceOf(source: string): Sequence {
  const parsed = parseSequence(source, 'pool.yaml');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.map((p) => p.message).join('\n'));
  return parsed.sequence;
}

const fromOf = (mail: ReceivedMail) => mail.parsed.from?.value[0]?.address ?? '';

describe('sender pools', () => {
  let services: TestServices;
  let db: Database;
  let transport: MailTransports;
  let mailboxes: MailboxSettings[];
  const sequences = new Map<string, Sequence>();
  let clock = new Date('2026-03-02T09:00:00Z');

  const sender = (options: Partial<StepSenderOptions> = {}) => {
    const caps = new Map(mailboxes.flatMap((m) => (m.caps ? [[m.address, m.caps] as const] : [])));
    return new StepSender({
      db,
      transport,
      getSequence: (id) => sequences.get(id),
      logger: silentLogger(),
      // Unset: each message's ids are on its own mailbox's domain.
      messageIdDomain: undefined,
      leaseMs: 60_000,
      batchSize: 500,
      concurrency: 4,
      now: () => clock,
      mailboxCaps: (address) => caps.get(address),
      ...options,
    });
  };
  const enroll = async (sequence: Sequence, count: number, prefix: string) => {
    const outcomes = await enrollContacts(
      db,
      sequence,
      Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@lead.example`, firstName: `${prefix}${i}` })),
      clock,
    );
    return outcomes.map((o) => (o.outcome === 'enrolled' ? o.enrollmentId : ''));
  };
  const mailTo = (prefix: string, since: number) =>
    services.sink.received.slice(since).filter((m) => (m.envelopeTo[0] ?? '').startsWith(prefix));

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config();
    db = await connectDatabase(services.mongoUrl, config.mongo.database);
    const env = { PASS_ANN: 'pa', PASS_BOB: 'pb', PASS_CAT: 'pc', PASS_DAN: 'pd', PASS_EVE: 'pe' };
    const parsed = parseMailboxes(mailboxesFile(services.sink), 'mailboxes.yaml', {
      env,
      insecure: true,
      smtp: config.smtp,
      imap: config.imap,
    });
    assert.ok(parsed.ok);
    mailboxes = parsed.mailboxes;
    transport = createMailTransports(config.smtp, mailboxes);
  });
  afterAll(async () => {
    transport?.close();
    await db?.close();
    await services?.stop();
  });

  it('gives each enrollment one mailbox, spreads them evenly, keeps every mailbox under its cap over all sequences, and defers the rest', async () => {
    const pool = sequenceOf(
      sequenceFile(
        'capped-pool',
        'senders:\n  - { name: Ann, address: ann@one.test }\n  - { name: Bob, address: bob@two.test }\n  - { name: Cat, address: cat@three.test }',
        ONE_STEP,
      ),
    );
    // Another sequence sending from Ann alone: its sends count towards Ann's cap too.
    const solo = sequenceOf(sequenceFile('ann-solo', 'sender: { name: Ann Solo, address: ann@one.test }', ONE_STEP));
    sequences.set(pool.id, pool).set(solo.id, solo);
    const before = services.sink.received.length;
    await enroll(solo, 2, 'solo');
    assert.equal((await sender().runOnce()).sent, 2);
    const ids = await enroll(pool, 15, 'pool');

    // 4 an hour each: Ann has 2 left, Bob and Cat 4: 10 go out, 5 wait.
    assert.deepEqual(await sender().runOnce(), { sent: 10, failed: 0, skipped: 0, deferred: 5 });
    const sent = await services.sink.waitFor(before + 12);
    const perMailbox = (mails: readonly ReceivedMail[]) => {
      const counts = new Map<string, number>();
      for (const m of mails) counts.set(fromOf(m), (counts.get(fromOf(m)) ?? 0) + 1);
      return Object.fromEntries([...counts].sort());
    };
    assert.deepEqual(perMailbox(sent.slice(before)), { 'ann@one.test': 4, 'bob@two.test': 4, 'cat@three.test': 4 });
    // Each through its own mailbox's server login, with its own envelope sender and Message-ID domain.
    for (const mail of sent.slice(before)) {
      const from = fromOf(mail);
      assert.equal(mail.envelopeFrom, from);
      assert.equal(mail.authUser, from.split('@')[0]);
      assert.match(mail.parsed.messageId ?? '', new RegExp(`@${from.split('@')[1]?.replace('.', '\\.')}>$`));
    }

    // The deferred five: still active, due in about an hour, no mailbox given yet.
    const waiting = await db.enrollments.find({ _id: { $in: ids }, passedStepIds: { $ne: 'hello' } }).toArray();
    assert.equal(waiting.length, 5);
    for (const e of waiting) {
      assert.equal(e.status, 'active');
      assert.ok(e.nextStepAt && e.nextStepAt.getTime() > clock.getTime() + HOUR - 60_000, String(e.nextStepAt));
      assert.equal(e.sender, undefined);
    }
    // The ten sent: their mailbox on the enrollment and in its one claim.
    const given = await db.enrollments.find({ _id: { $in: ids }, passedStepIds: 'hello' }).toArray();
    assert.equal(given.length, 10);
    for (const e of given) {
      const mail = sent.find((m) => m.envelopeTo[0] === e.email);
      assert.equal(e.sender?.address, mail && fromOf(mail));
      assert.deepEqual(await db.senderClaims.findOne({ _id: e._id }), {
        _id: e._id,
        address: e.sender?.address,
        name: e.sender?.name,
        sequenceId: pool.id,
        claimedAt: clock,
      });
    }

    // An hour later the five go out, spread again; nothing lost, nobody mailed twice.
    clock = new Date(clock.getTime() + HOUR + 1000);
    assert.deepEqual(await sender().runOnce(), { sent: 5, failed: 0, skipped: 0, deferred: 0 });
    const all = mailTo('pool', before);
    assert.equal(all.length, 15);
    assert.equal(new Set(all.map((m) => m.envelopeTo[0])).size, 15);
    // Even over every send from each mailbox, Ann's two for the other sequence included.
    const everything = services.sink.received.slice(before);
    assert.equal(everything.length, 17);
    const counts = Object.values(perMailbox(everything));
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, JSON.stringify(perMailbox(everything)));
  });

  it("sends a follow-up from the first step's mailbox, in its thread, never switching when that mailbox is full", async () => {
    const pool = sequenceOf(
      sequenceFile(
        'thread-pool',
        'senders:\n  - { name: Dan, address: dan@four.test }\n  - { name: Eve, address: eve@five.test }',
        TWO_STEPS,
      ),
    );
    sequences.set(pool.id, pool);
    const before = services.sink.received.length;
    await enroll(pool, 6, 'thread');
    // Two workers at once: each enrollment gets one mailbox (the first claim decides), one email.
    const [one, two] = await Promise.all([sender().runOnce(), sender().runOnce()]);
    assert.equal((one?.sent ?? 0) + (two?.sent ?? 0), 6);
    await services.sink.waitFor(before + 6);

    // Dan's follow-ups hit a cap of 3 an hour (as if the file said so now): they wait, not switch to Eve.
    clock = new Date(clock.getTime() + 3_000);
    const firstOf = new Map(mailTo('thread', before).map((m) => [m.envelopeTo[0], m]));
    const danCount = [...firstOf.values()].filter((m) => fromOf(m) === 'dan@four.test').length;
    assert.ok(danCount > 0 && danCount < 6, `both mailboxes used: ${danCount} from Dan`);
    const deferredFor: string[] = [];
    const tight = sender({
      mailboxCaps: (address) => (address === 'dan@four.test' ? { perHour: danCount, perDay: 100 } : undefined),
      metrics: {
        stepSent: () => undefined,
        sendFailed: () => undefined,
        stepDeferred: () => undefined,
        stepSkipped: () => undefined,
        sendRunFinished: () => undefined,
        mailboxCapDeferred: (mailbox) => deferredFor.push(mailbox),
      },
    });
    assert.deepEqual(await tight.runOnce(), { sent: 6 - danCount, failed: 0, skipped: 0, deferred: danCount });
    assert.deepEqual(new Set(deferredFor), new Set(['dan@four.test']));
    clock = new Date(clock.getTime() + HOUR + 1000);
    assert.deepEqual(await sender().runOnce(), { sent: danCount, failed: 0, skipped: 0, deferred: 0 });

    const mails = mailTo('thread', before);
    assert.equal(mails.length, 12);
    for (const [lead, first] of firstOf) {
      const followUp = mails.find((m) => m.envelopeTo[0] === lead && m !== first);
      assert.ok(followUp, `a follow-up to ${lead}`);
      assert.equal(fromOf(followUp), fromOf(first));
      assert.equal(followUp.authUser, first.authUser);
      assert.equal(followUp.parsed.from?.value[0]?.name, fromOf(first) === 'dan@four.test' ? 'Dan' : 'Eve');
      assert.equal(followUp.parsed.inReplyTo, first.parsed.messageId);
      assert.equal(followUp.parsed.subject, `Re: ${first.parsed.subject ?? ''}`);
    }
    // One claim per enrollment, whoever won it.
    const enrollments = await db.enrollments.find({ sequenceId: pool.id }).toArray();
    assert.equal(await db.senderClaims.countDocuments({ _id: { $in: enrollments.map((e) => e._id) } }), 6);
  });

  it('pauses only the mailbox whose login is refused: new threads start from the others, its own threads wait for it', async () => {
    const pool = sequences.get('thread-pool');
    assert.ok(pool);
    // Dan's password was rotated on the server; Eve's still works.
    services.sink.requireLogin({ user: 'eve', pass: 'pe' });
    const before = services.sink.received.length;
    // New connections: the pooled ones logged in before the rotation.
    const fresh = createMailTransports(services.config().smtp, mailboxes);
    try {
      await enroll(pool, 5, 'rotated');
      const run = await sender({ concurrency: 1, transport: fresh }).runOnce();
      // At most one step tried Dan before the pause; every other went out from Eve.
      assert.ok(run.failed <= 1, JSON.stringify(run));
      assert.deepEqual({ ...run, failed: 0 }, { sent: 5 - run.failed, failed: 0, skipped: 0, deferred: 0 });
      const sent = mailTo('rotated', before);
      assert.deepEqual(new Set(sent.map(fromOf)), new Set(['eve@five.test']));
      const onDan = await db.enrollments.find({ sequenceId: pool.id, email: /^rotated/, 'sender.address': 'dan@four.test' }).toArray();
      assert.equal(onDan.length, run.failed);
      // Dan's login works again: its thread goes out from Dan, not from Eve.
      services.sink.requireLogin(undefined);
      clock = new Date(clock.getTime() + 5 * 60_000);
      // Dan's first steps, and the follow-ups of Eve's threads (due 3 s after their first).
      assert.equal((await sender().runOnce()).sent, 5);
      assert.deepEqual(
        new Set(
          mailTo('rotated', before)
            .filter((m) => fromOf(m) === 'dan@four.test')
            .map((m) => m.envelopeTo[0]),
        ),
        new Set(onDan.map((e) => e.email)),
      );
      for (const e of onDan) assert.deepEqual(mailTo(e.email, before).map(fromOf), ['dan@four.test']);
    } finally {
      fresh.close();
      services.sink.requireLogin(undefined);
    }
  });
});
