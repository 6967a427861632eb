import {
  contactStore,
  enrollmentStore,
  queueWebhook,
  taskStore,
  type ParleyCollections,
  type RepDoc,
  type TaskDoc,
  type TaskSettled,
} from '../db/index.ts';
import { releaseHeldSteps } from '../conversations/index.ts';
import { changeEnrollment, enrollContacts, markQualified, nextStep, stepDueTime } from '../enrollments/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { checkClaim } from './claim.ts';
import { recordEvent } from './events.ts';
import { noSuchTask, refuse, type TaskActionResult } from './types.ts';

export type TaskOutcome =
  | { kind: 'resume' }
  | { kind: 'stop' }
  | { kind: 'move'; sequenceId: string }
  | { kind: 'snooze'; until: Date }
  | { kind: 'done' }
  | { kind: 'qualified' };

export interface OutcomeOptions {
  getSequence: (id: string) => Sequence | undefined;
  now?: Date | undefined;
  /** The rep confirmed closing a task nobody answered (see closesUnanswered). */
  confirmed?: boolean | undefined;
}

/** Outcomes that close the conversation for good. */
const CLOSING = new Set<TaskOutcome['kind']>(['qualified', 'stop', 'done']);

/**
 * Why closing this task needs a yes first, or undefined: a task closed as qualified, stopped or done
 * with no answer sent leaves a person who wrote to us without one (issue 16: "Qualified" closed a
 * P1 task with no answer and no warning).
 */
export function closesUnanswered(task: Pick<TaskDoc, 'answeredAt' | 'email' | 'priority'>, outcome: TaskOutcome): string | undefined {
  if (!CLOSING.has(outcome.kind) || task.answeredAt) return undefined;
  const what =
    outcome.kind === 'stop' ? 'Stop the sequence and close' : outcome.kind === 'qualified' ? 'Mark qualified and close' : 'Close';
  return `${what} this P${task.priority} task without an answer? Nobody has answered ${task.email} yet.`;
}

/**
 * What a rep decided after reading a task: resume the sequence (next step at its computed time),
 * stop it, move the contact to another sequence, snooze the task, close it, or mark the contact
 * qualified. Needs the rep's live claim, or an admin. Each decision is one audit event.
 */
export async function applyTaskOutcome(
  db: ParleyCollections,
  taskId: string,
  rep: RepDoc,
  outcome: TaskOutcome,
  options: OutcomeOptions,
): Promise<TaskActionResult> {
  const now = options.now ?? new Date();
  const tasks = taskStore(db);
  const task = await tasks.get(taskId);
  if (!task) return noSuchTask(taskId);
  const held = await checkClaim(db, task, rep, now, true);
  if (!held.ok) return held;
  const unanswered = closesUnanswered(task, outcome);
  if (unanswered && !options.confirmed) return refuse('needs_confirmation', unanswered);
  const applied = await apply(db, task, rep, outcome, options.getSequence, now);
  if (!applied.ok) return applied;
  const set: TaskSettled = outcome.kind === 'snooze' ? { status: 'snoozed', snoozedUntil: outcome.until } : { status: 'done' };
  await tasks.settle(taskId, set);
  await recordEvent(db, {
    taskId,
    at: now,
    by: rep._id,
    action: outcome.kind,
    detail: { ...applied.detail, ...(unanswered && { unanswered: 'confirmed' }) },
  });
  // The conversation is over (a snooze keeps it open): the contact's steps it held in other sequences are due now.
  if (set.status === 'done') await releaseHeldSteps(db, task.contactId, now);
  // A snooze keeps the task open; every other outcome closes it, which outbound webhooks announce.
  if (outcome.kind !== 'snooze') await queueTaskClosed(db, task, rep, outcome.kind, now);
  const { snoozedUntil: _old, ...rest } = task;
  return { ok: true, task: { ...rest, ...set } };
}

export type Applied = { ok: true; detail: Record<string, string> } | Extract<TaskActionResult, { ok: false }>;

async function apply(
  db: ParleyCollections,
  task: TaskDoc,
  rep: RepDoc,
  outcome: TaskOutcome,
  getSequence: (id: string) => Sequence | undefined,
  now: Date,
): Promise<Applied> {
  switch (outcome.kind) {
    case 'done':
      return { ok: true, detail: {} };
    case 'snooze':
      if (!(outcome.until > now)) return refuse('invalid', 'Snooze until a time in the future.') as Applied;
      return { ok: true, detail: { until: outcome.until.toISOString() } };
    case 'qualified': {
      await markQualified(db, {
        contactId: task.contactId,
        sequenceId: task.sequenceId,
        enrollmentId: task.enrollmentId,
        replyId: task.replyId,
        by: rep._id,
        now,
      });
      return { ok: true, detail: {} };
    }
    case 'stop':
      await stopEnrollment(db, task, `stopped by ${rep._id}`, now);
      return { ok: true, detail: {} };
    case 'move': {
      const target = getSequence(outcome.sequenceId);
      if (!target)
        return refuse(
          'invalid',
          `No loaded sequence '${outcome.sequenceId}'; check the id (\`parley lint\` lists broken files).`,
        ) as Applied;
      const contact = await contactStore(db).get(task.contactId);
      if (!contact) return refuse('invalid', 'The contact behind this task is gone.') as Applied;
      if (contact.suppressed)
        return refuse('invalid', `${contact.email} asked not to be written to (${contact.suppressed.reason}).`) as Applied;
      await stopEnrollment(db, task, `moved to ${target.id} by ${rep._id}`, now);
      const [enrolled] = await enrollContacts(db, target, [{ email: contact.email }], now);
      return { ok: true, detail: { sequenceId: target.id, result: enrolled?.outcome ?? 'none' } };
    }
    case 'resume':
      return resume(db, task, getSequence, now);
  }
}

/** Stops the task's enrollment if it is running or paused; one already over stays as it is. */
async function stopEnrollment(db: ParleyCollections, task: TaskDoc, reason: string, now: Date) {
  const enrollment = await enrollmentStore(db).get(task.enrollmentId);
  if (enrollment) await changeEnrollment(db, enrollment, { kind: 'stopped', cause: 'rep', reason }, now);
}

/** The enrollment runs again: its next step is due at the time the schedule gives from now; with no step left it completes. */
export async function resume(
  db: ParleyCollections,
  task: TaskDoc,
  getSequence: (id: string) => Sequence | undefined,
  now: Date,
): Promise<Applied> {
  const sequence = getSequence(task.sequenceId);
  if (!sequence)
    return refuse('invalid', `Sequence '${task.sequenceId}' is not loaded; fix its file (\`parley lint\`) before resuming.`) as Applied;
  const [enrollment, contact] = await Promise.all([enrollmentStore(db).get(task.enrollmentId), contactStore(db).get(task.contactId)]);
  if (!enrollment || !contact) return refuse('invalid', 'The enrollment or contact behind this task is gone.') as Applied;
  if (contact.suppressed)
    return refuse(
      'invalid',
      `${contact.email} asked not to be written to (${contact.suppressed.reason}); the sequence can't resume.`,
    ) as Applied;
  const step = nextStep(sequence, enrollment.passedStepIds);
  const nextStepAt = step ? stepDueTime(sequence, step, now, contact.timeZone) : null;
  const resumed = await changeEnrollment(db, enrollment, { kind: 'resumed', reason: 'resumed by a rep', nextStepAt }, now);
  if (!resumed.ok) return refuse('invalid', 'The sequence already finished for this contact.') as Applied;
  const status = resumed.change.set.status ?? enrollment.status;
  return { ok: true, detail: { status, ...(nextStepAt && { nextStepAt: nextStepAt.toISOString() }) } };
}

/** Queues the `task_closed` webhook; keyed by the task and the time of the close, so each close is its own event. */
async function queueTaskClosed(db: ParleyCollections, task: TaskDoc, rep: RepDoc, outcome: TaskOutcome['kind'], now: Date) {
  await queueWebhook(db, {
    _id: `task_closed:${task._id}:${now.getTime()}`,
    kind: 'task_closed',
    at: now,
    contactId: task.contactId,
    sequenceId: task.sequenceId,
    enrollmentId: task.enrollmentId,
    props: { task_id: task._id, outcome, closed_by: rep._id, ...(task.intent !== undefined && { intent: task.intent }) },
    queuedAt: now,
  });
}
