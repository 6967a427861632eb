import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database, type RepDoc, type TaskDoc } from '../src/db/index.ts';
import { enrollContacts, stepDueTime } from '../src/enrollments/index.ts';
import { matchEnrollment } from '../src/inbound/match.ts';
import { addRep, setOnDuty, verifyRepLogin } from '../src/reps/index.ts';
import { createSmtpTransport, type MailTransport } from '../src/sending/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import {
  answerTask,
  applyTaskOutcome,
  claimTask,
  escalateOverdue,
  getTaskView,
  inboxItems,
  listTasks,
  queueTaskForReply,
  relabelTask,
  taskCounts,
  taskEvents,
  type TaskActionResult,
} from '../src/tasks/index.ts';
import { isParleyError } from '../src/errors.ts';
import { testSender } from './support/sender.ts';
import { startTestServices, type TestServices } from './support/services.ts';
import { quickFollowUp } from './support/sequences.ts';

const MINUTE = 60_000;
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * MINUTE);

function ok(result: TaskActionResult): TaskDoc {
  assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
  return result.task;
}

// The rep workflow against real FerretDB (or MONGODB_URL) and a real SMTP sink: queue, assign,
// claim, answer in thread, decide, audit, escalate.
describe('the task queue', () => {
  let services: TestServices;
  let db: Database;
  let transport: MailTransport;
  let sequence: Sequence;
  const reps: Record<'alice' | 'bob' | 'admin' | 'lead', RepDoc> = {} as Record<'alice' | 'bob' | 'admin' | 'lead', RepDoc>;
  const getSequence = (id: string) => (id === sequence.id ? sequence : undefined);
  let counter = 0;

  /** Sends step 1 for real, stores a reply to it, pauses the enrollment and queues the task as the reply handler does. */
  async function taskFor(
    email: string,
    options: { assignee?: string; owner?: string; intent?: 'interested' | 'question' | 'unclear'; now?: Date } = {},
  ) {
    const now = options.now ?? new Date();
    const [enrolled] = await enrollContacts(
      db,
      sequence,
      [{ email, firstName: 'Lee', company: 'Acme', ...(options.owner && { owner: options.owner }) }],
      at(now, -10),
    );
    assert.equal(enrolled?.outcome, 'enrolled');
    await testSender({ db, transport, sequence: () => sequence }).runOnce();
    const enrollment = await db.enrollments.findOne({ _id: enrolled.enrollmentId });
    const delivery = await db.deliveries.findOne({ enrollmentId: enrolled.enrollmentId, state: 'sent' });
    assert.ok(enrollment && delivery);
    const messageId = `<reply-${++counter}@lead.example>`;
    const replyId = `mid:${messageId}`;
    // Written and received after step 1 went out (the send uses the real clock).
    const replyAt = new Date(Math.max(now.getTime(), (delivery.sentAt?.getTime() ?? 0) + 1000));
    await db.replies.insertOne({
      _id: replyId,
      messageId,
      mailbox: 'INBOX',
      uidValidity: '1',
      uid: counter,
      from: email,
      subject: `RE: Re: ${delivery.subject}`,
      date: replyAt,
      inReplyTo: delivery.messageId,
      references: [delivery.messageId],
      visibleText: 'Sounds good, what does it cost for 12 people?',
      state: 'processed',
      enrollmentId: enrollment._id,
      contactId: enrollment.contactId,
      matchedBy: 'thread',
      intent: options.intent ?? 'interested',
      confidence: 0.9,
      receivedAt: replyAt,
    });
    await db.enrollments.updateOne(
      { _id: enrollment._id },
      { $set: { status: 'paused', statusReason: `reply: ${options.intent ?? 'interested'}`, statusReplyId: replyId } },
    );
    const task = await queueTaskForReply(
      db,
      {
        reply: { _id: replyId },
        enrollment,
        classification: { intent: options.intent ?? 'interested', confidence: 0.9, explanation: 'test' },
        assignee: options.assignee,
        outcome: 'pause_and_task',
      },
      now,
    );
    assert.ok(task);
    return { task, enrollment, delivery, replyId, replyMessageId: messageId };
  }

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config();
    db = await connectDatabase(services.mongoUrl, config.mongo.database);
    transport = createSmtpTransport(config.smtp);
    sequence = await quickFollowUp();
    reps.alice = await addRep(db, { email: 'Alice@Parley.test', name: 'Alice Rep', role: 'rep', password: 'alice-password-1' });
    reps.bob = await addRep(db, { email: 'bob@parley.test', name: 'Bob Rep', role: 'rep', password: 'bob-password-12' });
    reps.admin = await addRep(db, { email: 'admin@parley.test', name: 'Ada Admin', role: 'admin', password: 'admin-password-1' });
    reps.lead = await addRep(db, { email: 'lead@parley.test', name: 'Lee Lead', role: 'rep', password: 'lead-password-12', lead: true });
    await setOnDuty(db, 'admin@parley.test', false);
    await setOnDuty(db, 'lead@parley.test', false);
  });
  afterAll(async () => {
    transport?.close();
    await db?.close();
    await services?.stop();
  });

  it('adds reps with hashed passwords and checks logins', async () => {
    assert.equal(reps.alice._id, 'alice@parley.test');
    assert.match(reps.alice.passwordHash, /^scrypt\$/);
    assert.equal((await verifyRepLogin(db, 'ALICE@parley.test', 'alice-password-1'))?._id, 'alice@parley.test');
    assert.equal(await verifyRepLogin(db, 'alice@parley.test', 'alice-password-2'), undefined);
    assert.equal(await verifyRepLogin(db, 'nobody@parley.test', 'alice-password-1'), undefined);
    await assert.rejects(addRep(db, { email: 'alice@parley.test', name: 'Again', role: 'rep', password: 'another-password' }), (e) =>
      isParleyError(e, 'REP_EXISTS'),
    );
    await assert.rejects(addRep(db, { email: 'short@parley.test', name: 'Short', role: 'rep', password: 'short' }), (e) =>
      isParleyError(e, 'REP_INVALID'),
    );
  });

  it('assigns new tasks round-robin among on-duty reps, or to the contact owner who is a rep', async () => {
    const first = await taskFor('rr1@lead.example');
    const second = await taskFor('rr2@lead.example');
    assert.deepEqual(new Set([first.task.assignee, second.task.assignee]), new Set(['alice@parley.test', 'bob@parley.test']));
    // The owner gets it while on duty (issue 17: an off-duty owner's task goes round-robin).
    await setOnDuty(db, 'lead@parley.test', true);
    const owned = await taskFor('owned@lead.example', { owner: 'lead@parley.test' });
    await setOnDuty(db, 'lead@parley.test', false);
    assert.equal(owned.task.assignee, 'lead@parley.test');
    const given = await taskFor('given@lead.example', { assignee: 'admin@parley.test' });
    assert.equal(given.task.assignee, 'admin@parley.test');
    assert.equal(given.task.dueAt.getTime() - given.task.createdAt.getTime(), 5 * MINUTE);
  });

  it('lets one rep hold a claim, hands it over after expiry, answers in thread and resumes the sequence', async () => {
    await setOnDuty(db, 'alice@parley.test', false);
    await setOnDuty(db, 'bob@parley.test', false);
    const t0 = new Date();
    const { task, enrollment, delivery, replyMessageId } = await taskFor('claims@lead.example', { now: t0 });
    await setOnDuty(db, 'alice@parley.test', true);
    await setOnDuty(db, 'bob@parley.test', true);
    assert.equal(task.assignee, undefined);

    ok(await claimTask(db, task._id, reps.alice, at(t0, 1)));
    // Claimed, the unassigned task leaves Bob's view: to him it does not exist, and nobody is named.
    const refused = await claimTask(db, task._id, reps.bob, at(t0, 2));
    assert.equal(refused.ok ? 'ok' : refused.code, 'not_found');
    assert.doesNotMatch(refused.ok ? '' : refused.message, /alice/);
    const aliceAgain = await answerTask(db, transport, task._id, reps.bob, 'hi', { messageIdDomain: 'parley.test', now: at(t0, 3) });
    assert.equal(aliceAgain.ok ? 'ok' : aliceAgain.code, 'not_found');

    // Alice's claim (30 minutes by default) runs out; Bob takes claim number 2.
    const bobs = ok(await claimTask(db, task._id, reps.bob, at(t0, 32)));
    assert.equal(bobs.claim?.by, 'bob@parley.test');
    assert.deepEqual(
      (await db.taskClaims.find({ taskId: task._id }).sort({ claimNumber: 1 }).toArray()).map((c) => [c._id, c.by]),
      [
        [`${task._id}#1`, 'alice@parley.test'],
        [`${task._id}#2`, 'bob@parley.test'],
      ],
    );
    const late = await answerTask(db, transport, task._id, reps.alice, 'hi', { messageIdDomain: 'parley.test', now: at(t0, 33) });
    assert.equal(late.ok ? 'ok' : late.code, 'not_found');

    const sent = services.sink.received.length;
    const answered = ok(
      await answerTask(db, transport, task._id, reps.bob, 'For 12 people it is 240 EUR a month. A call on Tuesday?', {
        messageIdDomain: 'parley.test',
        getSequence,
        now: at(t0, 34),
      }),
    );
    assert.equal(answered.status, 'answered');
    const [mail] = (await services.sink.waitFor(sent + 1)).slice(sent);
    assert.ok(mail);
    assert.equal(mail.parsed.inReplyTo, replyMessageId);
    const references = [mail.parsed.references ?? []].flat();
    assert.deepEqual(references, [delivery.messageId, replyMessageId]);
    assert.equal(mail.parsed.subject, `Re: ${delivery.subject}`);
    assert.equal(mail.parsed.from?.value[0]?.address, 'dana@parley.test');
    // The thread's name (the sequence's sender), not the rep's: issue 16.
    assert.equal(mail.parsed.from?.value[0]?.name, 'Dana from Parley');
    assert.deepEqual(mail.envelopeTo, ['claims@lead.example']);

    const record = await db.repMessages.findOne({ taskId: task._id });
    assert.ok(record);
    assert.equal(record.state, 'sent');
    assert.equal(record.messageId, mail.parsed.messageId);
    assert.match(record.smtpResponse ?? '', /^250/);
    // The contact answering the rep's message lands in the same enrollment.
    const match = await matchEnrollment(
      db,
      {
        messageId: '<again@lead.example>',
        sourceHash: 'x',
        from: 'claims@lead.example',
        fromAddresses: ['claims@lead.example'],
        authenticationResults: [],
        subject: 'Re: x',
        date: undefined,
        inReplyTo: record.messageId,
        references: [],
        text: 'ok',
        html: undefined,
        headers: {},
        contentType: 'text/plain',
        reportParts: [],
      },
      undefined,
    );
    assert.equal(match?.enrollment._id, enrollment._id);
    assert.equal(match?.matchedBy, 'thread');

    const resumeAt = at(t0, 35);
    const notHolder = await applyTaskOutcome(db, task._id, reps.alice, { kind: 'resume' }, { getSequence, now: resumeAt });
    assert.equal(notHolder.ok ? 'ok' : notHolder.code, 'not_found');
    ok(await applyTaskOutcome(db, task._id, reps.bob, { kind: 'resume' }, { getSequence, now: resumeAt }));
    const resumed = await db.enrollments.findOne({ _id: enrollment._id });
    const nudge = sequence.steps[1];
    assert.ok(nudge);
    assert.equal(resumed?.status, 'active');
    assert.deepEqual(resumed?.nextStepAt, stepDueTime(sequence, nudge, resumeAt, undefined));
    assert.equal((await db.tasks.findOne({ _id: task._id }))?.status, 'done');

    const view = await getTaskView(db, task._id, reps.bob);
    assert.ok(view);
    assert.deepEqual(
      view.thread.map((e) => e.kind),
      ['step', 'reply', 'rep_answer'],
    );
    assert.deepEqual(
      view.events.map((e) => [e.action, e.by]),
      [
        ['created', 'parley'],
        ['claimed', 'alice@parley.test'],
        ['claimed', 'bob@parley.test'],
        ['answered', 'bob@parley.test'],
        ['resume', 'bob@parley.test'],
      ],
    );
  });

  it('stops, snoozes and reopens, qualifies, and stores relabels on the reply', async () => {
    const now = new Date();
    const stop = await taskFor('stop@lead.example', { assignee: 'alice@parley.test', now });
    const unclaimed = await applyTaskOutcome(db, stop.task._id, reps.alice, { kind: 'stop' }, { getSequence, now });
    assert.equal(unclaimed.ok ? 'ok' : unclaimed.code, 'not_claimed');
    // Another rep's task does not exist for bob: the same answer as for a made-up id.
    const hidden = await claimTask(db, stop.task._id, reps.bob, now);
    const missing = await claimTask(db, 'reply:no-such-task', reps.bob, now);
    assert.deepEqual(
      hidden.ok ? 'ok' : [hidden.code, hidden.message.replace(stop.task._id, 'ID')],
      missing.ok ? 'ok' : [missing.code, missing.message.replace('reply:no-such-task', 'ID')],
    );
    assert.equal(hidden.ok ? 'ok' : hidden.code, 'not_found');
    ok(await claimTask(db, stop.task._id, reps.alice, now));
    // Nobody answered yet: stopping asks first, and changes nothing until confirmed (issue 16, case 7).
    const unconfirmed = await applyTaskOutcome(db, stop.task._id, reps.alice, { kind: 'stop' }, { getSequence, now: at(now, 1) });
    assert.equal(unconfirmed.ok ? 'ok' : unconfirmed.code, 'needs_confirmation');
    assert.match(unconfirmed.ok ? '' : unconfirmed.message, /without an answer\? Nobody has answered stop@lead\.example yet/);
    assert.equal((await db.enrollments.findOne({ _id: stop.enrollment._id }))?.status, 'paused');
    assert.equal((await db.tasks.findOne({ _id: stop.task._id }))?.status, 'claimed');
    ok(await applyTaskOutcome(db, stop.task._id, reps.alice, { kind: 'stop' }, { getSequence, now: at(now, 1), confirmed: true }));
    const stopped = await db.enrollments.findOne({ _id: stop.enrollment._id });
    assert.equal(stopped?.status, 'stopped');
    assert.equal(stopped?.nextStepAt, null);

    const later = await taskFor('snooze@lead.example', { assignee: 'alice@parley.test', intent: 'question', now });
    // Admins may decide without a claim.
    ok(await applyTaskOutcome(db, later.task._id, reps.admin, { kind: 'snooze', until: at(now, 60) }, { getSequence, now: at(now, 1) }));
    assert.equal((await listTasks(db, reps.alice, {}, at(now, 30))).find((t) => t._id === later.task._id)?.status, 'snoozed');
    assert.equal((await listTasks(db, reps.alice, {}, at(now, 61))).find((t) => t._id === later.task._id)?.status, 'open');

    const relabeled = ok(await relabelTask(db, later.task._id, reps.alice, 'not_now', { now: at(now, 62) }));
    assert.equal(relabeled.intent, 'not_now');
    const reply = await db.replies.findOne({ _id: later.replyId });
    assert.equal(reply?.correction?.intent, 'not_now');
    assert.equal(reply?.correction?.by, 'alice@parley.test');
    assert.equal((await db.tasks.findOne({ _id: later.task._id }))?.intent, 'not_now');
    const bad = await relabelTask(db, later.task._id, reps.alice, 'maybe', { now: at(now, 62) });
    assert.equal(bad.ok ? 'ok' : bad.code, 'invalid');

    const qualifiedUnanswered = await applyTaskOutcome(
      db,
      later.task._id,
      reps.admin,
      { kind: 'qualified' },
      { getSequence, now: at(now, 63) },
    );
    assert.equal(qualifiedUnanswered.ok ? 'ok' : qualifiedUnanswered.code, 'needs_confirmation');
    assert.equal((await db.contacts.findOne({ _id: later.task.contactId }))?.qualified, undefined);
    ok(await applyTaskOutcome(db, later.task._id, reps.admin, { kind: 'qualified' }, { getSequence, now: at(now, 63), confirmed: true }));
    assert.ok((await db.contacts.findOne({ _id: later.task.contactId }))?.qualified);
    assert.deepEqual(
      (await taskEvents(db, later.task._id)).map((e) => e.action),
      ['created', 'snooze', 'woke', 'relabeled', 'qualified'],
    );
  });

  // Issue 16, case 7: "unclear" corrected to "not_interested" left the enrollment "paused (reply: unclear)".
  it("applies the new intent's outcome on a relabel, asking first when it stops or unsubscribes", async () => {
    const now = new Date();
    // The file says what not_interested does: stop. not_now resumes after a week.
    const stopsOnNo: Sequence = {
      ...sequence,
      outcomes: {
        not_interested: { action: 'stop' },
        not_now: { action: 'resume_after', wait: { kind: 'duration', ms: 7 * 24 * 60 * MINUTE } },
      },
    };
    const withOutcomes = (id: string) => (id === sequence.id ? stopsOnNo : undefined);
    const unclear = await taskFor('unclear@lead.example', { assignee: 'alice@parley.test', intent: 'unclear', now });
    const statusOf = async () => {
      const e = await db.enrollments.findOne({ _id: unclear.enrollment._id });
      return [e?.status, e?.statusReason];
    };
    assert.deepEqual(await statusOf(), ['paused', 'reply: unclear']);

    const asked = await relabelTask(db, unclear.task._id, reps.alice, 'not_interested', { getSequence: withOutcomes, now });
    assert.equal(asked.ok ? 'ok' : asked.code, 'needs_confirmation');
    assert.match(asked.ok ? '' : asked.message, /stops "Quick follow-up \(tests\)" for unclear@lead\.example/);
    assert.deepEqual(await statusOf(), ['paused', 'reply: unclear'], 'nothing changes until the rep confirms');
    assert.equal((await db.tasks.findOne({ _id: unclear.task._id }))?.intent, 'unclear');

    ok(await relabelTask(db, unclear.task._id, reps.alice, 'not_interested', { getSequence: withOutcomes, now, confirmed: true }));
    const stopped = await db.enrollments.findOne({ _id: unclear.enrollment._id });
    assert.equal(stopped?.status, 'stopped');
    assert.equal(stopped?.statusReason, 'reply: not_interested');
    assert.equal(stopped?.nextStepAt, null);
    const relabeled = (await taskEvents(db, unclear.task._id)).find((e) => e.action === 'relabeled');
    assert.deepEqual(relabeled?.detail, { from: 'unclear', to: 'not_interested', outcome: 'stop', confirmed: 'yes' });

    // An intent that pauses too: the pause stays, with the new reason. One that waits: it resumes then.
    const paused = await taskFor('paused@lead.example', { assignee: 'alice@parley.test', intent: 'unclear', now });
    ok(await relabelTask(db, paused.task._id, reps.alice, 'question', { getSequence: withOutcomes, now }));
    const asQuestion = await db.enrollments.findOne({ _id: paused.enrollment._id });
    assert.deepEqual([asQuestion?.status, asQuestion?.statusReason], ['paused', 'reply: question (relabelled by alice@parley.test)']);
    ok(await relabelTask(db, paused.task._id, reps.alice, 'not_now', { getSequence: withOutcomes, now }));
    const later = await db.enrollments.findOne({ _id: paused.enrollment._id });
    assert.equal(later?.status, 'active');
    assert.ok(later?.nextStepAt && later.nextStepAt.getTime() >= now.getTime() + 6 * 24 * 60 * MINUTE, 'resumes in about a week');

    // Unsubscribe: asked first, then the contact is suppressed.
    const optOut = await taskFor('optout@lead.example', { assignee: 'alice@parley.test', intent: 'unclear', now });
    const askedOut = await relabelTask(db, optOut.task._id, reps.alice, 'unsubscribe', { getSequence: withOutcomes, now });
    assert.match(askedOut.ok ? '' : askedOut.message, /unsubscribes optout@lead\.example/);
    assert.equal((await db.contacts.findOne({ _id: optOut.task.contactId }))?.suppressed, undefined);
    ok(await relabelTask(db, optOut.task._id, reps.alice, 'unsubscribe', { getSequence: withOutcomes, now, confirmed: true }));
    assert.equal((await db.contacts.findOne({ _id: optOut.task.contactId }))?.suppressed?.reason, 'unsubscribe');
    assert.equal((await db.enrollments.findOne({ _id: optOut.enrollment._id }))?.status, 'stopped');
  });

  it('shows a rep their own and unassigned open tasks, an admin all, soonest due first', async () => {
    const now = new Date();
    const mine = await taskFor('vis-a@lead.example', { assignee: 'alice@parley.test', now });
    const theirs = await taskFor('vis-b@lead.example', { assignee: 'bob@parley.test', intent: 'question', now });
    await setOnDuty(db, 'alice@parley.test', false);
    await setOnDuty(db, 'bob@parley.test', false);
    const nobodys = await taskFor('vis-c@lead.example', { now });
    await setOnDuty(db, 'alice@parley.test', true);
    await setOnDuty(db, 'bob@parley.test', true);

    const aliceSees = (await listTasks(db, reps.alice, {}, now)).map((t) => t._id);
    assert.ok(aliceSees.includes(mine.task._id) && aliceSees.includes(nobodys.task._id));
    assert.ok(!aliceSees.includes(theirs.task._id));
    assert.equal(await getTaskView(db, theirs.task._id, reps.alice), undefined);
    const all = await listTasks(db, reps.admin, {}, now);
    assert.ok([mine, theirs, nobodys].every(({ task }) => all.some((t) => t._id === task._id)));
    const dues = all.map((t) => t.dueAt.getTime());
    assert.deepEqual(
      dues,
      [...dues].sort((a, b) => a - b),
    );
    assert.deepEqual(
      (await listTasks(db, reps.admin, { assignee: 'bob@parley.test', status: 'open' }, now)).every(
        (t) => t.assignee === 'bob@parley.test' && t.status === 'open',
      ),
      true,
    );
    const counts = await taskCounts(db, reps.admin);
    assert.equal(counts.open + counts.claimed + counts.answered + counts.snoozed + counts.done, await db.tasks.countDocuments({}));
  });

  it('keeps open tasks in the inbox however many done ones are due before them', async () => {
    const now = new Date();
    const open = (await listTasks(db, reps.admin, { status: 'open' }, now))[0];
    assert.ok(open, 'an open task from the tests above');
    // More done tasks than one list reads (1,000), all due before every open one.
    const done: TaskDoc[] = Array.from({ length: 1_001 }, (_, i) => ({
      ...open,
      _id: `reply:mid:<done-${i}@lead.example>`,
      replyId: `mid:<done-${i}@lead.example>`,
      status: 'done',
      dueAt: new Date(Date.UTC(2020, 0, 1, 0, i)),
    }));
    await db.tasks.insertMany(done);
    try {
      const inbox = await inboxItems(db, reps.admin, {}, now);
      assert.ok(
        inbox.some((item) => item.task._id === open._id),
        'the open task is listed',
      );
      assert.ok(inbox.every((item) => item.task.status !== 'done'));
      assert.equal((await inboxItems(db, reps.admin, { status: 'done' }, now)).length, 1_000, 'done ones when asked for, up to the limit');
    } finally {
      await db.tasks.deleteMany({ _id: { $in: done.map((t) => t._id) } });
    }
  });

  it('escalates overdue open and claimed tasks to the lead reps, once', async () => {
    const dayLater = at(new Date(), 3 * 24 * 60);
    const overdue = await db.tasks.countDocuments({ status: { $in: ['open', 'claimed'] } });
    assert.ok(overdue > 0);
    assert.equal(await escalateOverdue(db, dayLater), overdue);
    assert.equal(await escalateOverdue(db, dayLater), 0);
    const escalated = await db.tasks.findOne({ status: 'open' });
    assert.deepEqual(escalated?.escalated?.to, ['lead@parley.test']);
    assert.equal((await taskEvents(db, escalated?._id ?? '')).at(-1)?.action, 'escalated');
  });
});
