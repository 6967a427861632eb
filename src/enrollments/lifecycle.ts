import type { EnrollmentChange, EnrollmentDoc, EnrollmentStatus } from '../db/index.ts';

/**
 * The enrollment's state machine, decided without the database: what may happen to an
 * enrollment in its current state, and the fields it then has. Every status change goes through
 * `transition` and is written by the enrollment store's `apply` (src/db/enrollment-store.ts), the
 * one write path, which turns `from` and `step` into the write's guard so a change decided on a
 * stale read lands only if the enrollment is still where the decision assumed.
 *
 *   active ──step passed, none left──▶ completed        (a paused one only records the step)
 *   active ──reply──▶ paused
 *   paused ──rep relabels the reply to an intent that pauses too──▶ paused (the new reason)
 *   paused | stopped ──rep resumes──▶ active, or completed with no step left
 *   active ──out of office, resume_after──▶ active, next step later
 *   active | paused ──unsubscribe, bounce, reply, rep, segment exit──▶ stopped
 *   active ──send failed for good, contact gone──▶ stopped
 *   active ──soft bounce──▶ active (the step again, later)
 *   active ──contact in a conversation──▶ active, the step held (later); ──conversation over──▶ due now
 *
 * Only a rep's resume sets a paused or stopped enrollment running, and nothing restarts a
 * completed one: replies and bounce reports are mail anyone can forge.
 */

export const ALL_STATUSES: readonly EnrollmentStatus[] = ['active', 'paused', 'stopped', 'completed'];

/** Why an enrollment stops; decides which states it may stop from. */
export type StopCause =
  /** The contact asked not to be written to (a reply, the link, the mailto). */
  | 'unsubscribe'
  | 'hard_bounce'
  /** Past the soft-bounce limit. */
  | 'soft_bounces'
  /** The reply's outcome in the sequence file (stop, move_to, mark_qualified). */
  | 'reply'
  | 'rep'
  | 'segment_exit'
  /** The sender found the contact suppressed or deleted before sending. */
  | 'contact_unavailable'
  /** A 5xx, or temporary failures past the attempt limit. */
  | 'send_failed';

export type EnrollmentEvent =
  /** A step went out or was skipped for this contact; `nextStepAt` null: no step is left. */
  | {
      kind: 'step_passed';
      stepId: string;
      nextStepAt: Date | null;
      sent?: { messageId: string; subject: string; inReplyTo?: string | undefined } | undefined;
      skipReason?: string | undefined;
    }
  /** The step waits: outside the send window, over a cap, or a temporary send failure's back-off. */
  | { kind: 'step_deferred'; stepId: string; until: Date }
  /** The contact is in a conversation (task `taskId`): the step waits until `until`, when the sender looks again. */
  | { kind: 'step_held'; stepId: string; taskId: string; until: Date }
  /** The conversation that held `stepId` is over: the step is due now (the send window and caps still apply). */
  | { kind: 'hold_released'; stepId: string }
  /** A reply that a person should read. */
  | { kind: 'paused'; reason: string; replyId: string }
  /** A rep corrected the intent of the reply that paused it, to one that pauses too: the pause stays, with the new reason. */
  | { kind: 'pause_relabelled'; reason: string; replyId: string }
  /** A rep resumes the conversation; `nextStepAt` null: no step is left, so it completes. */
  | { kind: 'resumed'; reason: string; nextStepAt: Date | null }
  /** A reply pushes the next step back (out of office until a date, resume_after); only a running enrollment. */
  | { kind: 'rescheduled'; reason: string; replyId: string; nextStepAt: Date }
  | { kind: 'stopped'; cause: StopCause; reason: string; replyId?: string | undefined }
  /** The sender found no step left. */
  | { kind: 'completed' }
  /**
   * A soft bounce (mailbox full) came back for `stepId`: the step goes out again after a back-off,
   * if it is still the enrollment's latest step; past `limit` the enrollment stops.
   */
  | { kind: 'soft_bounced'; stepId: string | undefined; replyId: string; limit: number };

export type RefusalCode =
  /** The enrollment is not in a state this event applies to (e.g. a soft-bounce retry of a paused conversation). */
  | 'illegal_state'
  /** The step is already passed: another worker moved it on. */
  | 'already_passed'
  /** Nothing to do, and nothing to record (e.g. the soft bounce of a stopped enrollment past the limit). */
  | 'nothing_to_do';

/** Why a transition was refused; callers treat it as "someone else changed it first", never as an outage. */
export interface TransitionRefusal {
  code: RefusalCode;
  message: string;
  status: EnrollmentStatus;
  event: EnrollmentEvent['kind'];
}

export type TransitionResult = { ok: true; change: EnrollmentChange } | { ok: false; refusal: TransitionRefusal };

/** What a transition reads of an enrollment. */
export type EnrollmentState = Pick<EnrollmentDoc, 'status' | 'passedStepIds'> & Partial<Pick<EnrollmentDoc, 'softBounces' | 'held'>>;

const HOUR = 60 * 60 * 1000;
const RESUMABLE: readonly EnrollmentStatus[] = ['active', 'paused', 'stopped'];

/** Back-off before a soft-bounced step goes out again: 4, 8, 16 ... hours for the 1st, 2nd, 3rd bounce. */
export function softBounceRetryAt(now: Date, bounces: number): Date {
  return new Date(now.getTime() + 4 * HOUR * 2 ** (bounces - 1));
}

/** The states a stop may come from: the sender stops only what it is about to send; everyone else stops paused conversations too. */
export function stopsFrom(cause: StopCause): readonly EnrollmentStatus[] {
  return cause === 'contact_unavailable' || cause === 'send_failed' ? ['active'] : ['active', 'paused'];
}

/**
 * A stop, decided without reading the enrollments: for stopping all of a contact's enrollments at
 * once (an unsubscribe); the store's guard keeps it to the states it may stop from.
 */
export function stopChange(event: Extract<EnrollmentEvent, { kind: 'stopped' }>, now: Date): EnrollmentChange {
  return {
    from: stopsFrom(event.cause),
    set: {
      status: 'stopped',
      statusReason: event.reason,
      nextStepAt: null,
      ...(event.replyId !== undefined && { statusReplyId: event.replyId }),
    },
    at: now,
  };
}

/**
 * The change an event makes to an enrollment in its current state, or why it may not happen.
 * Pure: the caller computes times that need the sequence or the schedule and passes them in.
 */
export function transition(enrollment: EnrollmentState, event: EnrollmentEvent, now: Date): TransitionResult {
  const refuse = (code: RefusalCode, message: string): TransitionResult => ({
    ok: false,
    refusal: { code, message, status: enrollment.status, event: event.kind },
  });
  const only = (from: readonly EnrollmentStatus[], change: Omit<EnrollmentChange, 'from' | 'at'>): TransitionResult =>
    from.includes(enrollment.status)
      ? { ok: true, change: { from, at: now, ...change } }
      : refuse(
          'illegal_state',
          `a ${enrollment.status} enrollment cannot be ${event.kind.replace('_', ' ')}; it is only from ${from.join(' or ')}`,
        );

  switch (event.kind) {
    case 'step_passed': {
      if (enrollment.passedStepIds.includes(event.stepId)) return refuse('already_passed', `step ${event.stepId} is already passed`);
      const { sent, skipReason } = event;
      // A step with its own subject starts a new thread; later in-thread steps answer that one.
      const newThread = sent && !sent.inReplyTo;
      // Recording a step that went out is a fact whatever happened since (a reply may have paused
      // it while the step was being sent): any state, guarded by the step alone.
      const record: Omit<EnrollmentChange, 'from' | 'at'> = {
        step: { id: event.stepId, passed: false },
        set: { nextStepAt: event.nextStepAt, ...(newThread && { threadSubject: sent.subject, threadMessageIds: [sent.messageId] }) },
        pass: {
          stepId: event.stepId,
          ...(skipReason !== undefined && { skipped: { reason: skipReason, at: now } }),
          ...(sent && !newThread && { threadMessageId: sent.messageId }),
        },
      };
      if (event.nextStepAt !== null || enrollment.status !== 'active') return only(ALL_STATUSES, record);
      // The last step completes only a running enrollment: one a reply paused meanwhile stays paused, with the step recorded.
      return only(['active'], {
        ...record,
        set: { ...record.set, status: 'completed' },
        otherwise: { ...record, from: ALL_STATUSES, at: now },
      });
    }
    case 'step_deferred':
      if (enrollment.passedStepIds.includes(event.stepId)) return refuse('already_passed', `step ${event.stepId} is already passed`);
      return only(['active'], { step: { id: event.stepId, passed: false }, set: { nextStepAt: event.until } });
    case 'step_held': {
      if (enrollment.passedStepIds.includes(event.stepId)) return refuse('already_passed', `step ${event.stepId} is already passed`);
      // Held again at a recheck: the hold keeps the time it began.
      const since = enrollment.held?.stepId === event.stepId ? enrollment.held.since : now;
      return only(['active'], {
        step: { id: event.stepId, passed: false },
        set: { nextStepAt: event.until, held: { stepId: event.stepId, since, taskId: event.taskId } },
      });
    }
    case 'hold_released':
      // Only a step still held: one sent meanwhile is passed, and the guard on it refuses the write.
      if (enrollment.held?.stepId !== event.stepId || enrollment.passedStepIds.includes(event.stepId))
        return refuse('nothing_to_do', `step ${event.stepId} is not held`);
      return only(['active'], { step: { id: event.stepId, passed: false }, set: { nextStepAt: now } });
    case 'paused':
      return only(['active'], { set: { status: 'paused', statusReason: event.reason, statusReplyId: event.replyId } });
    case 'pause_relabelled':
      return only(['paused'], { set: { statusReason: event.reason, statusReplyId: event.replyId } });
    case 'resumed':
      // A rep's decision after reading the conversation: it may restart a paused or stopped one
      // (a reply misread as "stop"), never a finished one. Guarded by the very state the rep saw,
      // so a reply or a stop that landed meanwhile wins.
      return only(RESUMABLE.includes(enrollment.status) ? [enrollment.status] : RESUMABLE, {
        set:
          event.nextStepAt === null
            ? { status: 'completed', nextStepAt: null, statusReason: `${event.reason} with no step left` }
            : { status: 'active', nextStepAt: event.nextStepAt, statusReason: event.reason },
      });
    case 'rescheduled':
      // Only a running enrollment is pushed back; one a person paused stays paused.
      return only(['active'], { set: { nextStepAt: event.nextStepAt, statusReason: event.reason, statusReplyId: event.replyId } });
    case 'stopped': {
      const { from, ...rest } = stopChange(event, now);
      return only(from, rest);
    }
    case 'completed':
      return only(['active'], { set: { status: 'completed', nextStepAt: null } });
    case 'soft_bounced':
      return softBounced(enrollment, event, now, refuse, only);
  }
}

function softBounced(
  enrollment: EnrollmentState,
  event: Extract<EnrollmentEvent, { kind: 'soft_bounced' }>,
  now: Date,
  refuse: (code: RefusalCode, message: string) => TransitionResult,
  only: (from: readonly EnrollmentStatus[], change: Omit<EnrollmentChange, 'from' | 'at'>) => TransitionResult,
): TransitionResult {
  const count = (enrollment.softBounces ?? 0) + 1;
  if (count > event.limit) {
    if (!['active', 'paused'].includes(enrollment.status))
      return refuse('nothing_to_do', `a ${enrollment.status} enrollment has nothing left to stop`);
    return only(['active', 'paused'], {
      set: { status: 'stopped', statusReason: `${count} soft bounces`, statusReplyId: event.replyId, nextStepAt: null, softBounces: count },
    });
  }
  const { stepId } = event;
  // An older step bounced, or the enrollment is over: the bounce counts, nothing is sent again.
  if (stepId === undefined || enrollment.passedStepIds.at(-1) !== stepId || enrollment.status === 'stopped')
    return only(ALL_STATUSES, { set: { softBounces: count } });
  // A bounce report is mail anyone can forge: it never wakes a conversation a reply paused or that finished.
  return only(['active'], {
    step: { id: stepId, passed: true },
    set: {
      status: 'active',
      statusReason: `soft bounce ${count} of ${event.limit}; sending again`,
      nextStepAt: softBounceRetryAt(now, count),
      softBounces: count,
    },
    unpass: stepId,
  });
}
