import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDovecot, type EmbeddedMailbox, type ReceivedMail } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { mailboxKey } from '../src/inbound/index.ts';
import { silentLogger } from '../src/logger.ts';
import { addRep } from '../src/reps/index.ts';
import { createMailTransports } from '../src/sending/index.ts';
import { answerTask, claimTask } from '../src/tasks/index.ts';
import type { Config } from '../src/config.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { runCli } from './support/worker-process.ts';

const LEADS = ['ada', 'bea', 'cy', 'dot'].map((n) => `${n}@lead.example`);
const fromOf = (mail: ReceivedMail) => mail.parsed.from?.value[0]?.address ?? '';

// Issue 17 end to end: one worker, a pool of two mailboxes on two Dovecot servers (each its own
// SMTP login at the sink), the mailboxes file and a sequence file as an operator writes them.
describe('a sender pool in the running worker', () => {
  let services: TestServices;
  let second: EmbeddedMailbox;
  let dir: string;
  let config: Config;
  let overrides: Record<string, string>;
  let worker: Worker;

  beforeAll(async () => {
    services = await startTestServices();
    second = await startDovecot();
    dir = await mkdtemp(join(tmpdir(), 'parley-pools-'));
    await mkdir(join(dir, 'config'));
    const { sink, mailbox } = services;
    const box = (user: string, domain: string, imap: EmbeddedMailbox) =>
      `  - address: ${user}@${domain}\n    name: ${user}\n` +
      `    smtp: { host: ${sink.host}, port: ${sink.port}, secure: false, user: ${user}, pass_env: SMTP_PASS_${user.toUpperCase()} }\n` +
      `    imap: { host: ${imap.host}, port: ${imap.port}, secure: false, user: ${imap.user}, pass_env: IMAP_PASS_${user.toUpperCase()} }\n`;
    await writeFile(
      join(dir, 'config', 'mailboxes.yaml'),
      `mailboxes:\n${box('dan', 'four.test', mailbox)}${box('eve', 'five.test', second)}`,
    );
    await writeFile(
      join(dir, 'pool.yaml'),
      `id: pool
name: Pool
senders:
  - { name: Dan Pool, address: dan@four.test }
  - { name: Eve Pool, address: eve@five.test }
policy:
  send_days: [mon, tue, wed, thu, fri, sat, sun]
  send_hours: { start: "00:00", end: "24:00" }
steps:
  - id: hello
    subject: "Hello {{ first_name | default: 'there' }}"
    body: Hi, what brought you here? Just reply to this email.
  - id: later
    wait: 3 days
    body: Still curious, what made you look this month?
`,
    );
    overrides = {
      MAILBOXES_FILE: join(dir, 'config', 'mailboxes.yaml'),
      SEQUENCES_DIR: dir,
      // No IMAP_* mailbox: only the pool's are polled.
      IMAP_USER: '',
      IMAP_PASS: '',
      MESSAGE_ID_DOMAIN: '',
      SMTP_PASS_DAN: 'dan-smtp',
      SMTP_PASS_EVE: 'eve-smtp',
      IMAP_PASS_DAN: services.mailbox.pass,
      IMAP_PASS_EVE: second.pass,
      WEB_PORT: String(await freePort()),
    };
    config = services.config(overrides);
    worker = await startWorker({ config, logger: silentLogger() });
  });
  afterAll(async () => {
    await worker?.stop();
    await second?.stop();
    await services?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reads a reply to either mailbox, pauses the right enrollment, and the rep's answer goes out from that enrollment's mailbox", async () => {
    const sequence = worker.getSequence('pool');
    assert.ok(sequence, 'the pool sequence loads (its mailboxes are in the file)');
    await enrollContacts(
      worker.database,
      sequence,
      LEADS.map((email) => ({ email })),
    );
    const firsts = await eventually('four first emails', async () => {
      const mails = services.sink.received.filter((m) => LEADS.includes(m.envelopeTo[0] ?? ''));
      return mails.length >= 4 ? mails : undefined;
    });
    // Both mailboxes used, each through its own login.
    assert.deepEqual(new Set(firsts.map(fromOf)), new Set(['dan@four.test', 'eve@five.test']));
    for (const m of firsts) assert.equal(m.authUser, fromOf(m).split('@')[0]);

    // Each mailbox has its own poller, and its own lease document.
    const keys = config.mailboxes.map((m) => (m.imap ? mailboxKey(m.imap) : ''));
    assert.equal(new Set(keys).size, 2);
    await eventually('a lease on each mailbox', async () => {
      const found = await worker.database.mailboxLeases.find({ mailbox: { $in: keys } }).toArray();
      return new Set(found.map((l) => l.mailbox)).size === 2 ? found : undefined;
    });

    // Eve's lead answers into Eve's mailbox (the second Dovecot).
    const evesMail = firsts.find((m) => fromOf(m) === 'eve@five.test');
    assert.ok(evesMail);
    const lead = evesMail.envelopeTo[0] ?? '';
    const enrollment = await worker.database.enrollments.findOne({ email: lead });
    assert.equal(enrollment?.sender?.address, 'eve@five.test');
    const replyId = '<answer-to-eve@lead.example>';
    await second.deliver(
      replyMessage({
        from: lead,
        to: 'Eve Pool <eve@five.test>',
        subject: `Re: ${evesMail.parsed.subject ?? ''}`,
        body: 'Tell me more about pricing please.',
        messageId: replyId,
        inReplyTo: evesMail.parsed.messageId,
        references: [evesMail.parsed.messageId ?? ''],
      }),
    );
    const task = await eventually(
      'the task for the reply to Eve',
      async () => (await worker.database.tasks.findOne({ replyId: `mid:${replyId}` })) ?? undefined,
      30_000,
    );
    assert.equal(task.enrollmentId, enrollment?._id);
    const paused = await worker.database.enrollments.findOne({ _id: enrollment?._id });
    assert.equal(paused?.status, 'paused');
    // The others go on.
    assert.equal(await worker.database.enrollments.countDocuments({ sequenceId: 'pool', status: 'active' }), 3);

    // The rep answers: from Eve, through Eve's login, in the thread.
    const rep = await addRep(worker.database, {
      email: 'rita@team.test',
      name: 'Rita Rep',
      role: 'admin',
      password: 'pools test password 123',
    });
    assert.equal((await claimTask(worker.database, task._id, rep)).ok, true);
    const transport = createMailTransports(config.smtp, config.mailboxes);
    try {
      const answered = await answerTask(worker.database, transport, task._id, rep, 'Happy to: here is how pricing works.', {
        messageIdDomain: config.messageIdDomain,
        getSequence: (id) => worker.getSequence(id),
      });
      assert.equal(answered.ok, true);
    } finally {
      transport.close();
    }
    const answer = await eventually('the answer at the sink', async () =>
      services.sink.received.find((m) => m.parsed.inReplyTo === replyId),
    );
    assert.equal(fromOf(answer), 'eve@five.test');
    assert.equal(answer.parsed.from?.value[0]?.name, 'Eve Pool');
    assert.equal(answer.authUser, 'eve');
    assert.match(answer.parsed.messageId ?? '', /@five\.test>$/);
  });

  it('says per mailbox whether its SMTP login and IMAP session work, and counts sends per mailbox', async () => {
    const ready = await eventually('ready', async () => {
      const response = await fetch(`${worker.webUrl}/readyz`);
      const body = (await response.json()) as { checks: Record<string, { ok: boolean }> };
      return response.status === 200 ? body : undefined;
    });
    // No IMAP_* mailbox, and no sequence sends through SMTP_*: only the pool's checks.
    assert.deepEqual(Object.keys(ready.checks).sort(), [
      'imap:dan@four.test',
      'imap:eve@five.test',
      'mongodb',
      'smtp:dan@four.test',
      'smtp:eve@five.test',
    ]);
    const metrics = await (await fetch(`${worker.webUrl}/metrics`)).text();
    const sentFrom = (mailbox: string) =>
      Number(new RegExp(`^parley_mailbox_sent_total\\{mailbox="${mailbox}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    assert.equal(sentFrom('dan@four.test') + sentFrom('eve@five.test'), 4);
    assert.ok(sentFrom('dan@four.test') > 0 && sentFrom('eve@five.test') > 0, metrics);
  });

  it('`parley tasks reply` answers a reply to the first mailbox from that mailbox, through its own login', async () => {
    const dansMail = services.sink.received.find((m) => fromOf(m) === 'dan@four.test' && LEADS.includes(m.envelopeTo[0] ?? ''));
    assert.ok(dansMail);
    const lead = dansMail.envelopeTo[0] ?? '';
    const replyId = '<answer-to-dan@lead.example>';
    await services.mailbox.deliver(
      replyMessage({
        from: lead,
        to: 'Dan Pool <dan@four.test>',
        subject: `Re: ${dansMail.parsed.subject ?? ''}`,
        body: 'Could we talk on Thursday?',
        messageId: replyId,
        inReplyTo: dansMail.parsed.messageId,
        references: [dansMail.parsed.messageId ?? ''],
      }),
    );
    const task = await eventually(
      'the task for the reply to Dan',
      async () => (await worker.database.tasks.findOne({ replyId: `mid:${replyId}` })) ?? undefined,
      30_000,
    );
    const env = services.env(overrides);
    await runCli(['tasks', 'claim', task._id, '--as', 'rita@team.test'], env);
    await runCli(['tasks', 'reply', task._id, '--as', 'rita@team.test', '--text', 'Thursday at 10 works.'], env);
    const answer = await eventually('the CLI answer at the sink', async () =>
      services.sink.received.find((m) => m.parsed.inReplyTo === replyId),
    );
    assert.deepEqual(answer.parsed.from?.value[0], { address: 'dan@four.test', name: 'Dan Pool' });
    assert.equal(answer.authUser, 'dan');
    assert.match(answer.parsed.messageId ?? '', /@four\.test>$/);
  });
});
