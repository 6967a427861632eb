import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../src/logger.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { replyMessage } from './support/mail.ts';
import { BOUNCE_FIXTURES, whatDovecotSendsBack } from './support/real-mail.ts';
import { leadSide } from './support/conversation.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { runCli } from './support/worker-process.ts';

// Every outcome of a reply, end to end through Dovecot: a running worker sends step 1 for real,
// the answer (a person's reply, a real Dovecot vacation reply, a bounce) lands in the reply
// mailbox, and the enrollment, contact and task queue change as the sequence file says.
describe('what replies do, through the real mailbox', () => {
  let services: TestServices;
  let worker: Worker;
  let sequence: Sequence;
  /** The worker's warnings, as logged (pino JSON lines). */
  const warnings: Array<Record<string, unknown>> = [];
  const warningSink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) warnings.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });

  const { firstEmailTo, replyTo, handled, bounceReturning } = leadSide({
    services: () => services,
    worker: () => worker,
    sequence: () => sequence,
  });

  beforeAll(async () => {
    services = await startTestServices();
    worker = await startWorker({
      config: services.config({ SEQUENCES_DIR: 'test/fixtures/outcomes', AUTHSERV_ID: 'mx.parley.test' }),
      logger: createLogger('warn', warningSink),
    });
    const loaded = worker.getSequence('outcomes');
    assert.ok(loaded);
    sequence = loaded;
  });
  afterAll(async () => {
    await worker?.stop();
    await services?.stop();
  });

  it("`parley tasks show` prints a reply's control characters as \\u escapes, never raw to the terminal", async () => {
    const lead = await firstEmailTo('ansi@lead.example');
    const hostile = 'Does it work with Outlook?\u001b[2J\u001b]0;pwned\u0007 \u202eevil\u202c';
    await replyTo(lead, 'ansi@lead.example', '<ansi-1@lead.example>', hostile);
    const reply = await handled('<ansi-1@lead.example>');
    const task = await eventually('the task', async () => (await worker.database.tasks.findOne({ replyId: reply._id })) ?? undefined);
    const shown = await runCli(['tasks', 'show', task._id], services.env());
    assert.match(shown, /Does it work with Outlook\?\\u001b\[2J\\u001b\]0;pwned\\u0007 \\u202eevil\\u202c/);
    assert.doesNotMatch(shown, /[\u001b\u0007\u202e]/);
  });

  it('a meeting request pauses the enrollment and queues a first-priority task for the owner', async () => {
    const lead = await firstEmailTo('meet@lead.example');
    await replyTo(
      lead,
      'meet@lead.example',
      '<meet-1@lead.example>',
      'Can we get on a call Tuesday at 2pm? Please send me a calendar invite.',
    );
    const reply = await handled('<meet-1@lead.example>');
    assert.equal(reply.intent, 'meeting_request', reply.explanation);
    const task = await worker.database.tasks.findOne({ replyId: reply._id });
    assert.deepEqual([task?.priority, task?.assignee, task?.outcome], [1, 'owner@parley.test', 'route_to_owner']);
    assert.equal((await worker.database.enrollments.findOne({ _id: lead.enrollment._id }))?.status, 'paused');
  });

  it("stores what the reply reveals on the contact, including the answer to the step's question", async () => {
    const lead = await firstEmailTo('team@lead.example');
    await replyTo(
      lead,
      'team@lead.example',
      '<team-1@lead.example>',
      "We're a team of 12 and want to get started next quarter. I'd need to check with my boss first though.",
    );
    await handled('<team-1@lead.example>');
    const contact = await worker.database.contacts.findOne({ email: 'team@lead.example' });
    assert.equal(contact?.qualification?.teamSize, 12);
    assert.match(contact?.qualification?.timeline ?? '', /next quarter/i);
    assert.match(contact?.qualification?.authority ?? '', /boss/i);
    assert.match(contact?.qualification?.answers?.team_size ?? '', /12/);
  });

  it('a real out-of-office reply (Dovecot sieve vacation) resumes the sequence after the return date, with no task', async () => {
    const lead = await firstEmailTo('away@lead.example');
    // Nine days on, past the follow-up's own wait (a return date before it would not move it).
    const back = new Date(Date.now() + 9 * 86_400_000);
    const english = back.toLocaleDateString('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' });
    const vacation = `require ["vacation"]; vacation :days 1 :addresses ["away@lead.example"] :subject "Out of office" "I am out of the office until ${english} with limited access to email. For urgent matters contact Sam Lee at sam@lead.example.";`;
    const [autoReply] = await whatDovecotSendsBack(lead.sent.raw.toString('utf8'), {
      sieveScript: vacation,
      envelopeFrom: 'dana@parley.test',
    });
    assert.ok(autoReply, 'Dovecot answered with a vacation reply');
    await services.mailbox.deliver(autoReply.raw);
    const reply = await handled(autoReply.parsed.messageId ?? '');
    assert.equal(reply.intent, 'out_of_office');
    assert.equal(reply.matchedBy, 'thread', 'vacation replies carry In-Reply-To');
    const enrollment = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
    assert.equal(enrollment?.status, 'active');
    assert.equal(
      enrollment?.nextStepAt?.toISOString().slice(0, 10),
      back.toISOString().slice(0, 10),
      `resumes on the return date (${english}), got ${enrollment?.nextStepAt?.toISOString()}`,
    );
    assert.equal(reply.analysis?.alternateContact?.email, 'sam@lead.example');
    assert.equal(await worker.database.tasks.countDocuments({ replyId: reply._id }), 0);
  });

  it('a Polish out-of-office (Dovecot sieve vacation) resumes the sequence after the return date it names', async () => {
    const lead = await firstEmailTo('urlop@lead.example');
    // Nine days on, written the Polish way ("14 grudnia"): a date no English or German parser reads.
    const back = new Date(Date.now() + 9 * 86_400_000);
    const months = [
      'stycznia',
      'lutego',
      'marca',
      'kwietnia',
      'maja',
      'czerwca',
      'lipca',
      'sierpnia',
      'września',
      'października',
      'listopada',
      'grudnia',
    ];
    const polish = `${back.getUTCDate()} ${months[back.getUTCMonth()]}`;
    const vacation = `require ["vacation"]; vacation :days 1 :addresses ["urlop@lead.example"] :subject "Poza biurem" "Dziękuję za wiadomość. Jestem na urlopie do ${polish}. W pilnych sprawach proszę pisać do biuro@lead.example.";`;
    const [autoReply] = await whatDovecotSendsBack(lead.sent.raw.toString('utf8'), {
      sieveScript: vacation,
      envelopeFrom: 'dana@parley.test',
    });
    assert.ok(autoReply, 'Dovecot answered with a vacation reply');
    await services.mailbox.deliver(autoReply.raw);
    const reply = await handled(autoReply.parsed.messageId ?? '');
    assert.equal(reply.intent, 'out_of_office', reply.explanation);
    const enrollment = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
    assert.equal(enrollment?.status, 'active');
    assert.equal(enrollment?.nextStepAt?.toISOString().slice(0, 10), back.toISOString().slice(0, 10), `resumes on ${polish}`);
    assert.equal(await worker.database.tasks.countDocuments({ replyId: reply._id }), 0);
  });

  it('an automatic answer that is not out-of-office (a ticket receipt) changes nothing', async () => {
    const lead = await firstEmailTo('ticket@lead.example');
    const before = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
    await replyTo(
      lead,
      'support@lead.example',
      '<ticket-1@lead.example>',
      'Thank you for contacting support. Your request #48213 has been received and a member of our team will respond shortly.',
      {
        'Auto-Submitted': 'auto-replied',
      },
    );
    const reply = await handled('<ticket-1@lead.example>');
    assert.equal(reply.intent, 'auto_reply', reply.explanation);
    const after = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
    assert.deepEqual([after?.status, after?.nextStepAt?.getTime()], [before?.status, before?.nextStepAt?.getTime()]);
    assert.equal(await worker.database.tasks.countDocuments({ replyId: reply._id }), 0);
  });

  it('a hard bounce stops the enrollment, suppresses the address and marks it undeliverable', async () => {
    const lead = await firstEmailTo('gone@lead.example');
    const bounce = await bounceReturning(lead, 'postfix-5.1.1-user-unknown.eml', '<bounce-hard@mx.lead.example>');
    await services.mailbox.deliver(bounce);
    const reply = await handled('<bounce-hard@mx.lead.example>');
    assert.deepEqual(
      [reply.intent, reply.matchedBy, reply.analysis?.bounce?.kind, reply.analysis?.bounce?.status],
      ['bounce', 'bounce', 'hard', '5.1.1'],
    );
    const contact = await worker.database.contacts.findOne({ email: 'gone@lead.example' });
    assert.equal(contact?.suppressed?.reason, 'bounce');
    assert.equal(contact?.undeliverable?.status, '5.1.1');
    assert.equal((await worker.database.enrollments.findOne({ _id: lead.enrollment._id }))?.status, 'stopped');
    // Listed for admins with its evidence: the report and the remote server's words.
    const listed = await worker.database.suppressions.findOne({ contactId: contact?._id });
    assert.deepEqual(
      [listed?.email, listed?.reason, listed?.replyId, listed?.bounce?.status],
      ['gone@lead.example', 'bounce', 'mid:<bounce-hard@mx.lead.example>', '5.1.1'],
    );
    assert.match(listed?.bounce?.diagnostic ?? '', /5\.1\.1/);
  });

  it('a bounce refusing the message as spam pauses the enrollment with the reason and keeps the contact; the sender is warned about', async () => {
    const lead = await firstEmailTo('nina@lead.example');
    await services.mailbox.deliver(await bounceReturning(lead, 'postfix-5.7.1-spam-detected.eml', '<bounce-spam@mx.lead.example>'));
    const reply = await handled('<bounce-spam@mx.lead.example>');
    assert.deepEqual(
      [reply.intent, reply.matchedBy, reply.outcome, reply.analysis?.bounce?.reason],
      ['bounce', 'bounce', 'delivery_refused', 'spam_detected'],
    );
    const enrollment = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
    assert.deepEqual([enrollment?.status, enrollment?.statusReason], ['paused', 'delivery refused: spam detected 5.7.1']);
    // The address works: no suppression, no undeliverable mark, nothing in the register.
    const contact = await worker.database.contacts.findOne({ email: 'nina@lead.example' });
    assert.deepEqual([contact?.suppressed, contact?.undeliverable], [undefined, undefined]);
    assert.equal(await worker.database.suppressions.countDocuments({ contactId: contact?._id }), 0);
    const warning = await eventually('the deliverability warning', async () =>
      warnings.find((w) => w['msg'] === 'delivery refused: enrollment paused' && w['enrollmentId'] === lead.enrollment._id),
    );
    assert.deepEqual([warning['reason'], warning['sequenceId'], warning['status']], ['spam_detected', 'outcomes', '5.7.1']);
  });

  it('an Amazon SES bounce notice (SNS JSON) returning our Message-ID suppresses a dead address, with the reason as evidence', async () => {
    const lead = await firstEmailTo('marta@lead.example');
    const notice = (await readFile(join(BOUNCE_FIXTURES, 'amazonses-sns-5.1.1-bounce-json.eml'), 'utf8'))
      .replaceAll('<step1.enr-f3e9a1@parley.example>', lead.messageId)
      .replace(/^Message-ID:.*$/im, 'Message-ID: <ses-notice-1@email.amazonses.com>');
    await services.mailbox.deliver(notice);
    const reply = await handled('<ses-notice-1@email.amazonses.com>');
    assert.deepEqual([reply.intent, reply.matchedBy, reply.outcome], ['bounce', 'bounce', 'suppressed']);
    const contact = await worker.database.contacts.findOne({ email: 'marta@lead.example' });
    assert.equal(contact?.suppressed?.reason, 'bounce');
    const listed = await worker.database.suppressions.findOne({ contactId: contact?._id });
    assert.deepEqual([listed?.bounce?.status, listed?.bounce?.reason], ['5.1.1', 'user_unknown']);
  });

  it('a hard bounce from the null sender (MAILER-DAEMON <>, no From at all) is read, not quarantined', async () => {
    for (const [email, nullSender] of [
      ['null-sender@lead.example', 'From: MAILER-DAEMON <>'],
      ['no-from@lead.example', ''],
    ] as const) {
      const lead = await firstEmailTo(email);
      const id = `<bounce-${email}>`;
      const bounce = (await bounceReturning(lead, 'postfix-5.1.1-user-unknown.eml', id)).replace(
        /^From: Mail Delivery System <MAILER-DAEMON@parley\.example>\r?\n/m,
        nullSender ? `${nullSender}\r\n` : '',
      );
      assert.doesNotMatch(bounce, /MAILER-DAEMON@parley/);
      await services.mailbox.deliver(bounce);
      const reply = await handled(id);
      assert.deepEqual([reply.intent, reply.matchedBy, reply.from], ['bounce', 'bounce', ''], email);
      assert.equal((await worker.database.contacts.findOne({ email }))?.suppressed?.reason, 'bounce', email);
      assert.equal((await worker.database.enrollments.findOne({ _id: lead.enrollment._id }))?.status, 'stopped', email);
    }
    assert.equal(await worker.database.quarantine.countDocuments({}), 0);
  });

  it('a forged delivery report that names a lead but returns no message of ours changes nothing', async () => {
    const lead = await firstEmailTo('named@lead.example');
    // A stranger's own report, from their own address, naming the lead as the failed recipient: the
    // message it returns is not one Parley sent.
    const fixture = await readFile(join(BOUNCE_FIXTURES, 'postfix-5.1.1-user-unknown.eml'), 'utf8');
    const forged = fixture
      .replaceAll('unknown.dana@acme.test', 'named@lead.example')
      .replace(/^From: .*$/m, 'From: Prankster <prank@stranger.example>')
      .replace(/^Message-ID:.*$/im, 'Message-ID: <forged-dsn@stranger.example>');
    await services.mailbox.deliver(forged);
    const reply = await handled('<forged-dsn@stranger.example>');
    assert.deepEqual([reply.state, reply.intent, reply.analysis?.bounce?.recipient], ['unmatched', 'bounce', 'named@lead.example']);
    const contact = await worker.database.contacts.findOne({ email: 'named@lead.example' });
    assert.equal(contact?.suppressed, undefined, 'the lead is not suppressed');
    assert.equal(contact?.undeliverable, undefined);
    assert.equal(await worker.database.suppressions.countDocuments({ email: 'named@lead.example' }), 0, 'nor listed as suppressed');
    assert.equal((await worker.database.enrollments.findOne({ _id: lead.enrollment._id }))?.status, 'active');
  });

  it('a real Dovecot rejection (mailbox over quota) is read back to its enrollment', async () => {
    const lead = await firstEmailTo('full@lead.example');
    // Parley's short email fits in 1 KiB: pad its body so the 1 KiB quota refuses it.
    const padded = `${lead.sent.raw.toString('utf8')}\r\n${'filler text '.repeat(200)}\r\n`;
    const [dsn] = await whatDovecotSendsBack(padded, { quotaStorage: '1K', envelopeFrom: 'dana@parley.test' });
    assert.ok(dsn, 'Dovecot sent a rejection');
    await services.mailbox.deliver(dsn.raw);
    const reply = await handled(dsn.parsed.messageId ?? '');
    assert.deepEqual([reply.intent, reply.matchedBy, reply.enrollmentId], ['bounce', 'bounce', lead.enrollment._id]);
    assert.ok(reply.analysis?.bounce?.kind);
  });

  it('a soft bounce sends the step again later, up to a limit', async () => {
    const lead = await firstEmailTo('busy@lead.example');
    const bounce = await bounceReturning(lead, 'postfix-4.2.2-mailbox-full.eml', '<bounce-soft@mx.lead.example>');
    await services.mailbox.deliver(bounce);
    const reply = await handled('<bounce-soft@mx.lead.example>');
    assert.deepEqual([reply.analysis?.bounce?.kind, reply.outcome], ['soft', 'soft_bounce']);
    const enrollment = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
    assert.deepEqual([enrollment?.status, enrollment?.softBounces, enrollment?.passedStepIds], ['active', 1, []]);
    assert.ok(
      enrollment?.nextStepAt && enrollment.nextStepAt.getTime() > Date.now() + 3 * 60 * 60 * 1000,
      'sent again in about four hours',
    );
    const delivery = await worker.database.deliveries.findOne({ enrollmentId: lead.enrollment._id, stepId: 'hello' });
    assert.equal(delivery?.state, 'bounced');
    assert.equal((await worker.database.contacts.findOne({ email: 'busy@lead.example' }))?.suppressed, undefined);
  });

  it('a "mailbox full" report for a conversation a reply paused leaves it paused (a bounce is mail anyone can forge)', async () => {
    const lead = await firstEmailTo('talking@lead.example');
    await replyTo(lead, 'talking@lead.example', '<talking-1@lead.example>', 'How does pricing work for a team of 12?');
    await handled('<talking-1@lead.example>');
    const paused = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
    assert.equal(paused?.status, 'paused');
    await services.mailbox.deliver(await bounceReturning(lead, 'postfix-4.2.2-mailbox-full.eml', '<bounce-forged@mx.lead.example>'));
    const reply = await handled('<bounce-forged@mx.lead.example>');
    assert.deepEqual([reply.analysis?.bounce?.kind, reply.outcome], ['soft', 'soft_bounce']);
    const after = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
    assert.deepEqual(
      [after?.status, after?.passedStepIds, after?.nextStepAt, after?.statusReplyId],
      ['paused', ['hello'], paused?.nextStepAt, paused?.statusReplyId],
    );
    assert.equal((await worker.database.deliveries.findOne({ enrollmentId: lead.enrollment._id, stepId: 'hello' }))?.state, 'sent');
  });

  describe('replies are weighed by who sent them', () => {
    /** The enrollment, the contact and the tasks a held reply must leave as they were. */
    async function stateOf(lead: { enrollment: { _id: string }; sent: { envelopeTo: string[] } }) {
      const enrollment = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
      const contact = await worker.database.contacts.findOne({ email: lead.sent.envelopeTo[0] });
      return {
        status: enrollment?.status,
        nextStepAt: enrollment?.nextStepAt?.getTime(),
        passed: enrollment?.passedStepIds,
        suppressed: contact?.suppressed,
        qualification: contact?.qualification,
      };
    }
    const heldTask = async (replyId: string) => {
      const task = await worker.database.tasks.findOne({ replyId });
      assert.ok(task, 'a task for a person');
      return task;
    };

    it('a stranger\'s "unsubscribe me" citing a step\'s Message-ID unsubscribes nobody: it becomes a marked task', async () => {
      const lead = await firstEmailTo('victim@lead.example');
      const before = await stateOf(lead);
      await replyTo(lead, 'Prankster <prank@stranger.example>', '<prank-1@stranger.example>', 'Unsubscribe me. Remove me from your list.');
      const reply = await handled('<prank-1@stranger.example>');
      assert.equal(reply.intent, 'unsubscribe', 'the reproduction: an opt-out the old code obeyed');
      assert.deepEqual([reply.matchedBy, reply.outcome, reply.senderConcern?.reason], ['thread', 'sender_review', 'not_the_contact']);
      assert.deepEqual(await stateOf(lead), before, 'not suppressed, not stopped, not paused');
      const task = await heldTask(reply._id);
      assert.equal(
        task.senderConcern?.note,
        "sender does not match the contact: prank@stranger.example wrote about victim@lead.example's conversation",
      );
      assert.deepEqual([task.outcome, task.priority, task.email], ['sender_review', 2, 'victim@lead.example']);
      const events = await worker.database.events.find({ enrollmentId: lead.enrollment._id }).toArray();
      assert.deepEqual(
        events.map((e) => e.type),
        ['email_sent'],
        'no opt-out or reply event for the contact',
      );
    });

    it('a stranger\'s "interested" neither pauses nor moves the conversation: a person decides', async () => {
      const lead = await firstEmailTo('colleague@lead.example');
      const before = await stateOf(lead);
      await replyTo(
        lead,
        'Sam <sam@lead.example>',
        '<colleague-1@lead.example>',
        "Sounds interesting! We're a team of 40, tell me more about pricing.",
      );
      const reply = await handled('<colleague-1@lead.example>');
      assert.equal(reply.intent, 'interested', reply.explanation);
      assert.deepEqual([reply.outcome, reply.senderConcern?.reason], ['sender_review', 'not_the_contact']);
      assert.deepEqual(await stateOf(lead), before, 'still active, nothing learned about the contact');
      const task = await heldTask(reply._id);
      assert.match(
        task.senderConcern?.note ?? '',
        /^sender does not match the contact: sam@lead\.example wrote about colleague@lead\.example/,
      );
    });

    it("the contact's own reply still acts, from their address in any case, and records the server's pass", async () => {
      const lead = await firstEmailTo('own@lead.example');
      await replyTo(lead, 'Own Lead <OWN@Lead.Example>', '<own-1@lead.example>', 'Please unsubscribe me from these emails.', {
        'Authentication-Results':
          'mx.parley.test; spf=pass smtp.mailfrom=own@lead.example; dkim=pass header.d=lead.example; dmarc=pass header.from=lead.example',
      });
      const reply = await handled('<own-1@lead.example>');
      assert.deepEqual([reply.intent, reply.outcome, reply.senderConcern], ['unsubscribe', 'suppressed', undefined]);
      assert.deepEqual([reply.authentication?.verdict, reply.authentication?.dmarc?.domain], ['pass', 'lead.example']);
      assert.equal((await worker.database.contacts.findOne({ email: 'own@lead.example' }))?.suppressed?.reason, 'unsubscribe');
      assert.equal((await worker.database.enrollments.findOne({ _id: lead.enrollment._id }))?.status, 'stopped');
    });

    it("the contact's address with a DMARC fail from our server is held; a stranger's pass header below it is ignored; the verdict is shown", async () => {
      const lead = await firstEmailTo('forged@lead.example');
      const before = await stateOf(lead);
      const raw = replyMessage({
        from: 'forged@lead.example',
        to: 'dana@parley.test',
        subject: 'Re: Quick question about your team',
        messageId: '<forged-1@lead.example>',
        inReplyTo: lead.messageId,
        references: [lead.messageId],
        body: 'Not interested, please stop.',
      });
      // The receiving server's header on top; the sender's own below (one with another id, one with ours).
      const headers = [
        'Authentication-Results: mx.parley.test; spf=fail smtp.mailfrom=attacker.example; dkim=none; dmarc=fail (p=none) header.from=lead.example',
        'Received: from attacker.example by mx.parley.test; Sat, 5 Dec 2026 12:00:00 +0000',
        'Authentication-Results: mx.stranger.example; dmarc=pass header.from=lead.example',
        'Authentication-Results: mx.parley.test; dmarc=pass header.from=lead.example',
      ];
      await services.mailbox.deliver(`${headers.join('\r\n')}\r\n${raw}`);
      const reply = await handled('<forged-1@lead.example>');
      assert.deepEqual([reply.authentication?.verdict, reply.authentication?.authservId], ['fail', 'mx.parley.test']);
      assert.deepEqual([reply.outcome, reply.senderConcern?.reason], ['sender_review', 'dmarc_fail']);
      assert.deepEqual(await stateOf(lead), before, 'a not_interested reply would have stopped it');
      const task = await heldTask(reply._id);
      assert.match(task.senderConcern?.note ?? '', /claims to come from forged@lead\.example, but DMARC failed at mx\.parley\.test/);
      const listed = await runCli(['tasks', 'list'], services.env());
      assert.ok(
        listed.split('\n').some((line) => line.startsWith(`${task._id}\t`) && line.endsWith('\tCHECK SENDER')),
        listed,
      );
      const shown = await runCli(['tasks', 'show', task._id], services.env());
      assert.match(shown, /HELD: sender not verified/);
      assert.match(
        shown,
        /Sender authentication: dmarc=fail \(lead\.example\), dkim=none, spf=fail \(attacker\.example\) per mx\.parley\.test/,
      );
    });
  });
});
