import {
  contactStore,
  enrollmentStore,
  replyStore,
  taskStore,
  type ContactDoc,
  type EnrollmentDoc,
  type ParleyCollections,
  type RepDoc,
  type ReplyDoc,
  type TaskDoc,
} from '../db/index.ts';
import { isParleyError } from '../errors.ts';
import { isIntent, type Intent } from '../classify/index.ts';
import { changeEnrollment } from '../enrollments/index.ts';
// The module itself, not the inbound barrel: the barrel's reply handler imports the task queue.
import { applyOutcome, decideOutcome, type OutcomePlan } from '../inbound/apply-outcome.ts';
import { relabelReply } from '../learning/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { recordEvent } from './events.ts';
import { canSee } from './list.ts';
import { resume } from './outcome.ts';
import { noSuchTask, refuse, type TaskActionResult } from './types.ts';

export interface RelabelOptions {
  now?: Date | undefined;
  /**
   * The loaded sequences: with them the new intent's outcome (the sequence file's, as for a new
   * reply) is applied to the enrollment; without, only the label changes.
   */
  getSequence?: ((id: string) => Sequence | undefined) | undefined;
  /** The rep confirmed an outcome that stops the sequence or suppresses the contact. */
  confirmed?: boolean | undefined;
}

/**
 * A rep corrects the reply's intent: stored on the reply for the next training and on the task,
 * and the new intent's outcome replaces the old one's, as if the reply had been read right the
 * first time (issue 16: "unclear" corrected to "not_interested" left the enrollment "paused
 * (reply: unclear)"). An outcome that stops the sequence or suppresses the contact needs
 * `confirmed`; without it nothing changes and the refusal says what would happen. A reply held
 * because its sender is not the contact never acts for the contact: only its label changes.
 */
export async function relabelTask(
  db: ParleyCollections,
  taskId: string,
  rep: RepDoc,
  intent: string,
  options: RelabelOptions = {},
): Promise<TaskActionResult> {
  const now = options.now ?? new Date();
  const tasks = taskStore(db);
  const task = await tasks.get(taskId);
  if (!task || !canSee(rep, task)) return noSuchTask(taskId);
  if (!isIntent(intent)) return refuse('invalid', `"${intent}" is not an intent.`);

  const target = options.getSequence && !task.senderConcern ? await outcomeTarget(db, task, intent, options.getSequence, now) : undefined;
  const warning = target && drasticOutcome(target.plan, task, target.sequence);
  if (warning && !options.confirmed) return refuse('needs_confirmation', warning);

  try {
    await relabelReply(db, task.replyId, intent, rep._id, now);
  } catch (error) {
    if (isParleyError(error)) return refuse('invalid', error.message);
    throw error;
  }
  await tasks.relabel(taskId, intent, rep._id);
  const applied = target ? await applyRelabelOutcome(db, task, target, intent, rep, now) : 'label only';
  await recordEvent(db, {
    taskId,
    at: now,
    by: rep._id,
    action: 'relabeled',
    detail: { from: task.intent, to: intent, outcome: applied, ...(warning && { confirmed: 'yes' }) },
  });
  return { ok: true, task: { ...task, intent } };
}

interface OutcomeTarget {
  plan: OutcomePlan;
  sequence: Sequence | undefined;
  reply: ReplyDoc;
  enrollment: EnrollmentDoc;
  contact: ContactDoc | null;
}

/** What the reply would have done with the new intent, decided as the reply handler decides (apply-outcome.ts). */
async function outcomeTarget(
  db: ParleyCollections,
  task: TaskDoc,
  intent: Intent,
  getSequence: (id: string) => Sequence | undefined,
  now: Date,
): Promise<OutcomeTarget | undefined> {
  const [reply, enrollment, contact] = await Promise.all([
    replyStore(db).get(task.replyId),
    enrollmentStore(db).get(task.enrollmentId),
    contactStore(db).get(task.contactId),
  ]);
  if (!reply || !enrollment) return undefined;
  const sequence = getSequence(task.sequenceId);
  const plan = decideOutcome({
    sequence,
    getSequence,
    stepId: reply.stepId,
    classification: { intent },
    visibleText: reply.visibleText,
    written: reply.date ?? reply.receivedAt,
    now,
    contact,
    nextStepAt: enrollment.nextStepAt ?? null,
  });
  return { plan, sequence, reply, enrollment, contact };
}

/** The question to ask before an outcome that ends the conversation; undefined for the others. */
function drasticOutcome(plan: OutcomePlan, task: TaskDoc, sequence: Sequence | undefined): string | undefined {
  const name = sequence?.name ?? task.sequenceId;
  if (plan.suppress === 'unsubscribe')
    return `This unsubscribes ${task.email}: every sequence stops and nobody can enroll them again. Relabel anyway?`;
  if (plan.suppress === 'bounce') return `This marks ${task.email} as undeliverable and stops every sequence. Relabel anyway?`;
  if (plan.moveTo) return `This stops "${name}" for ${task.email} and enrolls them in "${plan.moveTo.name}". Relabel anyway?`;
  if (plan.enrollment?.kind === 'stopped')
    return `This stops "${name}" for ${task.email}${plan.qualify ? ' and marks them qualified' : ''} (the file's outcome: ${plan.action}). Relabel anyway?`;
  return undefined;
}

/** Carries out the new intent's outcome on the enrollment; returns what it did, for the audit trail. */
async function applyRelabelOutcome(
  db: ParleyCollections,
  task: TaskDoc,
  { plan, sequence, reply, enrollment, contact }: OutcomeTarget,
  intent: Intent,
  rep: RepDoc,
  now: Date,
): Promise<string> {
  const reason = `reply: ${intent} (relabelled by ${rep._id})`;
  const ends = plan.suppress !== undefined || plan.enrollment?.kind === 'stopped' || plan.moveTo !== undefined;
  // Confirmed above: ends the conversation whatever paused it.
  if (ends) {
    await applyOutcome(db, plan, { enrollment, contact, replyId: reply._id, now, stepId: reply.stepId, bounce: undefined });
    return plan.action;
  }
  // A later reply paused it since: that reply's outcome stands.
  const pausedByThisReply = enrollment.status === 'paused' && (enrollment.statusReplyId ?? reply._id) === reply._id;
  if (enrollment.status === 'active') {
    await applyOutcome(db, plan, { enrollment, contact, replyId: reply._id, now, stepId: reply.stepId, bounce: undefined });
    return plan.action;
  }
  if (!pausedByThisReply) return `${plan.action} (not applied: the enrollment is ${enrollment.status})`;
  const effect = plan.enrollment;
  if (effect?.kind === 'paused') {
    await changeEnrollment(db, enrollment, { kind: 'pause_relabelled', reason, replyId: reply._id }, now);
    return plan.action;
  }
  if (effect?.kind === 'rescheduled') {
    // The reply paused it; the new intent says "later": the rep's correction sets it running at that time.
    if (contact?.suppressed) return `${plan.action} (not applied: ${task.email} is suppressed)`;
    await changeEnrollment(db, enrollment, { kind: 'resumed', reason: `${reason}, ${effect.reason}`, nextStepAt: effect.nextStepAt }, now);
    return plan.action;
  }
  // An automatic answer, nothing to act on: the conversation goes on as if it had not paused.
  const resumed = await resume(db, task, () => sequence, now);
  return resumed.ok ? `${plan.action}, resumed` : `${plan.action} (not resumed: ${resumed.message})`;
}
