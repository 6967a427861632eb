import type { BounceReason, BounceVerdict, Classification } from '../classify/index.ts';
import { BOUNCE_REASON_GROUPS, bounceReason, dateNamedInReply, outOfOfficeReturnDate, type NamedDate } from '../classify/index.ts';
import { contactStore, deliveryStore, enrollmentStore, type ContactDoc, type EnrollmentDoc, type ParleyCollections } from '../db/index.ts';
import { changeEnrollment, enrollContacts, markQualified, transition, type EnrollmentEvent } from '../enrollments/index.ts';
import { suppressContact } from '../optout/index.ts';
import { contactZone, nextSendWindow, startOfLocalDay, stepDueAt, type WindowPolicy } from '../schedule/index.ts';
import { isConfigurableIntent, type ConfigurableIntent, type ReplyOutcome, type Sequence, type StepWait } from '../sequences/index.ts';

const DAY = 24 * 60 * 60 * 1000;
const WEEK = 7 * DAY;
/** How far a date a lead names may push a `resume_after` when the file gives no `at_most`. */
const DEFAULT_AT_MOST: StepWait = { kind: 'duration', ms: 365 * DAY };

/**
 * What a reply does to its enrollment: a lifecycle event for `transition` (src/enrollments/lifecycle.ts),
 * which decides from which states it applies; the reply's id is added when it is applied.
 */
export type ReplyEffect =
  | Omit<Extract<EnrollmentEvent, { kind: 'paused' }>, 'replyId'>
  | Omit<Extract<EnrollmentEvent, { kind: 'rescheduled' }>, 'replyId'>
  | (Omit<Extract<EnrollmentEvent, { kind: 'stopped' }>, 'replyId' | 'cause'> & { cause: 'reply' | 'hard_bounce' });

/**
 * What a reply does, decided without touching the database so the simulator can show it too:
 * the enrollment's lifecycle event, and the side effects.
 */
export interface OutcomePlan {
  /** e.g. "pause_and_task", "resume_after", "suppressed"; stored with the reply. */
  action: string;
  enrollment: ReplyEffect | undefined;
  /** Suppress the contact for good and stop all its enrollments, for this reason. */
  suppress: 'unsubscribe' | 'bounce' | undefined;
  /** A soft bounce: count it, and send the bounced step again later (up to a limit). */
  softBounce: boolean;
  qualify: boolean;
  /** Enroll the contact in this sequence. */
  moveTo: Sequence | undefined;
  /** Queue a human-response task, assigned to this rep when set. */
  task: { assignee: string | undefined } | undefined;
  /** The date a "not now" reply named ("try me in March"), shown on the task; `capped` when the file's `at_most` cut it short. */
  namedDate?: (NamedDate & { capped: boolean }) | undefined;
  /**
   * The message or its sender was refused (blocked, spam detected, policy, too big): the sending
   * mailbox's deliverability is at stake, so the caller counts and logs it. The contact is kept.
   */
  deliveryRefused?: BounceReason | undefined;
}

export interface OutcomeInput {
  sequence: Sequence | undefined;
  getSequence: (id: string) => Sequence | undefined;
  /** The step the reply answers, for per-step overrides. */
  stepId: string | undefined;
  classification: Pick<Classification, 'intent'>;
  visibleText: string;
  /** When the reply was written, for "back on Monday". */
  written: Date;
  now: Date;
  contact: Pick<ContactDoc, 'timeZone' | 'owner'> | null;
  /** When the enrollment's next step is due now. */
  nextStepAt: Date | null;
  /** The bounce's details, for a bounce. */
  bounce?: BounceVerdict | undefined;
  /**
   * The dates the analysis already read from the reply (ReplyAnalysis), off the event loop; when
   * absent (the simulator, a relabel) they are read from `visibleText` here.
   */
  datesRead?: { returnDate: Date | undefined; namedDate: NamedDate | undefined } | undefined;
}

/**
 * The outcome the sequence file chose for this intent: the step's override, the sequence's, or
 * pause-and-task. A meeting request is the keenest kind of interest: a file that says only what
 * `interested` does means it for "can we set up a demo" too.
 */
export function chosenOutcome(sequence: Sequence | undefined, stepId: string | undefined, intent: ConfigurableIntent): ReplyOutcome {
  const step = sequence?.steps.find((s) => s.id === stepId);
  const chosen = (i: ConfigurableIntent) => step?.outcomes[i] ?? sequence?.outcomes[i];
  return chosen(intent) ?? (intent === 'meeting_request' ? chosen('interested') : undefined) ?? { action: 'pause_and_task' };
}

const plan = (action: string, rest: Partial<Omit<OutcomePlan, 'action'>> = {}): OutcomePlan => ({
  action,
  enrollment: undefined,
  suppress: undefined,
  softBounce: false,
  qualify: false,
  moveTo: undefined,
  task: undefined,
  ...rest,
});

/**
 * Unsubscribe, bounce and out-of-office are fixed by Parley whatever the file says (an opt-out
 * must always work); the other intents follow the file.
 */
export function decideOutcome(input: OutcomeInput): OutcomePlan {
  const { intent } = input.classification;
  const reason = `reply: ${intent}`;
  const owner = input.contact?.owner ?? input.sequence?.owner;
  const policy = input.sequence?.policy;
  const zone = policy ? contactZone(input.contact?.timeZone, policy) : 'UTC';
  const stop = (why: string): ReplyEffect => ({ kind: 'stopped', cause: 'reply', reason: why });
  const pause = (why: string): ReplyEffect => ({ kind: 'paused', reason: why });

  if (intent === 'unsubscribe') return plan('suppressed', { suppress: 'unsubscribe' });
  // A ticket receipt or "mailbox not monitored" is no answer: the conversation goes on untouched.
  if (intent === 'auto_reply') return plan('none');
  if (intent === 'bounce') return bounceOutcome(input.bounce);
  if (intent === 'out_of_office') {
    const read = input.datesRead ? input.datesRead.returnDate : outOfOfficeReturnDate(input.visibleText, input.written);
    const back = read ?? new Date(input.written.getTime() + WEEK);
    const resumeAt = policy ? nextSendWindow(back, zone, policy) : back;
    const later = input.nextStepAt && input.nextStepAt > resumeAt ? input.nextStepAt : resumeAt;
    // Only a running enrollment is pushed back (the transition refuses the others); one a person paused stays paused.
    return plan('resume_after', {
      enrollment: { kind: 'rescheduled', reason: `out of office until ${back.toISOString().slice(0, 10)}`, nextStepAt: later },
    });
  }
  if (!isConfigurableIntent(intent)) return plan('pause_and_task', { enrollment: pause(reason), task: { assignee: undefined } });

  const outcome = chosenOutcome(input.sequence, input.stepId, intent);
  // "Not now, try me in March": the lead's own date, whatever the file does with the reply.
  const named =
    intent !== 'not_now' ? undefined : input.datesRead ? input.datesRead.namedDate : dateNamedInReply(input.visibleText, input.written);
  const namedDate = named && { ...named, capped: false };
  switch (outcome.action) {
    case 'pause_and_task':
      return plan(outcome.action, { enrollment: pause(reason), task: { assignee: undefined }, namedDate });
    case 'route_to_owner':
      return plan(outcome.action, { enrollment: pause(reason), task: { assignee: owner }, namedDate });
    case 'stop':
      return plan(outcome.action, { enrollment: stop(reason) });
    case 'resume_after': {
      if (named) {
        const resume = resumeOnNamedDate(named, outcome.atMost ?? DEFAULT_AT_MOST, input.now, zone, policy);
        const said = `they named "${named.phrase}"${resume.capped ? ', capped by at_most' : ''}`;
        return plan(outcome.action, {
          enrollment: { kind: 'rescheduled', reason: `${reason}, resumes ${resume.at.toISOString()} (${said})`, nextStepAt: resume.at },
          namedDate: { ...named, capped: resume.capped },
        });
      }
      const at = policy ? stepDueAt(input.now, outcome.wait, zone, policy) : input.now;
      return plan(outcome.action, {
        enrollment: { kind: 'rescheduled', reason: `${reason}, resumes ${at.toISOString()}`, nextStepAt: at },
      });
    }
    case 'mark_qualified':
      return plan(outcome.action, { enrollment: stop(`${reason}, qualified`), qualify: true, task: { assignee: owner } });
    case 'move_to': {
      const target = input.getSequence(outcome.sequenceId);
      // The target file is missing or broken: a person decides rather than the lead falling through.
      if (!target)
        return plan('pause_and_task', {
          enrollment: pause(`${reason}; sequence '${outcome.sequenceId}' not loaded`),
          task: { assignee: undefined },
        });
      return plan(outcome.action, { enrollment: stop(`${reason}, moved to ${target.id}`), moveTo: target });
    }
  }
}

/**
 * When a sequence resumes for a lead who named a date: the start of that day in their time zone,
 * no later than `atMost` from now (the file's limit), then the first send window from there.
 */
function resumeOnNamedDate(
  named: NamedDate,
  atMost: StepWait,
  now: Date,
  zone: string,
  policy: WindowPolicy | undefined,
): { at: Date; capped: boolean } {
  const latest = policy
    ? stepDueAt(now, atMost, zone, policy)
    : new Date(now.getTime() + (atMost.kind === 'duration' ? atMost.ms : atMost.days * DAY));
  const day = startOfLocalDay(named.at, zone);
  const capped = day > latest;
  const at = capped ? latest : day < now ? now : day;
  return { at: policy ? nextSendWindow(at, zone, policy) : at, capped };
}

/**
 * What a bounce does, by its reason's group (src/classify/bounce-reasons.ts):
 * - a dead address (user or host unknown, moved, a domain that takes no mail, an account suspended
 *   for good) suppresses the contact: it is the only bounce that does;
 * - a temporary one (mailbox full, rate limited, expired in the queue, the remote system's trouble)
 *   and any 4.x.x are retried (SOFT_BOUNCE_LIMIT);
 * - a refusal of the message or its sender (blocked, spam detected, policy, too big) keeps the
 *   contact and pauses the enrollment with the reason: a person resumes it once the sender or the
 *   content is fixed. The caller raises the deliverability signal (metric and warning);
 * - an unrecognised permanent failure pauses the enrollment too: nothing says the address is dead.
 */
function bounceOutcome(bounce: BounceVerdict | undefined): OutcomePlan {
  // "Delayed": the sending server is still trying; nothing to do until it gives up.
  if (bounce?.action === 'delayed') return plan('none');
  // A verdict from before reasons were read is read again from its status and words.
  const reason = bounce?.reason ?? bounceReason(bounce?.status, bounce?.diagnostic, '');
  const group = BOUNCE_REASON_GROUPS[reason];
  if (bounce?.kind === 'soft' || group === 'temporary') return plan('soft_bounce', { softBounce: true });
  const status = bounce?.status ? ` ${bounce.status}` : '';
  const words = reason.replace(/_/g, ' ');
  if (group === 'dead') {
    return plan('suppressed', {
      enrollment: { kind: 'stopped', cause: 'hard_bounce', reason: `hard bounce${status}: ${words}` },
      suppress: 'bounce',
    });
  }
  if (group === 'refused') {
    return plan('delivery_refused', {
      enrollment: { kind: 'paused', reason: `delivery refused: ${words}${status}` },
      deliveryRefused: reason,
    });
  }
  return plan('delivery_failed', { enrollment: { kind: 'paused', reason: `delivery failed: reason not recognised${status}` } });
}

/** Soft bounces of one enrollment before it stops trying. */
export const SOFT_BOUNCE_LIMIT = 3;

/** Carries out a plan for one reply. Each write is conditional or idempotent, so a redo is harmless. */
export async function applyOutcome(
  db: ParleyCollections,
  outcome: OutcomePlan,
  target: {
    enrollment: EnrollmentDoc;
    contact: ContactDoc | null;
    replyId: string;
    now: Date;
    stepId: string | undefined;
    bounce: BounceVerdict | undefined;
  },
): Promise<void> {
  const { enrollment, contact, replyId, now } = target;
  if (outcome.suppress) {
    await suppressContact(db, enrollment.contactId, {
      reason: outcome.suppress,
      source: 'reply',
      replyId,
      now,
      ...(outcome.suppress === 'bounce' && {
        bounce: { status: target.bounce?.status, diagnostic: target.bounce?.diagnostic, reason: target.bounce?.reason },
      }),
      enrollment: { _id: enrollment._id, sequenceId: enrollment.sequenceId, stepId: target.stepId },
    });
  }
  if (outcome.suppress === 'bounce') {
    const { status, diagnostic } = target.bounce ?? { status: undefined, diagnostic: undefined };
    await contactStore(db).markUndeliverable(enrollment.contactId, { at: now, status, diagnostic }, now);
  }
  if (outcome.softBounce) await retryAfterSoftBounce(db, enrollment, target.stepId, replyId, now);
  // A refused change (the enrollment is no longer where this reply could move it) writes nothing.
  if (outcome.enrollment) await changeEnrollment(db, enrollment, { ...outcome.enrollment, replyId }, now);
  if (outcome.qualify) {
    await markQualified(db, {
      contactId: enrollment.contactId,
      sequenceId: enrollment.sequenceId,
      enrollmentId: enrollment._id,
      replyId,
      by: 'parley',
      now,
    });
  }
  if (outcome.moveTo && contact) await enrollContacts(db, outcome.moveTo, [{ email: contact.email }], now);
}

/**
 * The bounced step goes out again after a back-off (4, 8, 16 hours), as long as it is still the
 * enrollment's latest step and the enrollment is running; past SOFT_BOUNCE_LIMIT the enrollment
 * stops (src/enrollments/lifecycle.ts decides). A paused, stopped or finished enrollment is never
 * set running: a "mailbox full" report is mail anyone can forge. The resend keeps the step's
 * Message-ID: the first copy was never delivered.
 */
async function retryAfterSoftBounce(
  db: ParleyCollections,
  enrollment: EnrollmentDoc,
  stepId: string | undefined,
  replyId: string,
  now: Date,
) {
  const decided = transition(enrollment, { kind: 'soft_bounced', stepId, replyId, limit: SOFT_BOUNCE_LIMIT }, now);
  if (!decided.ok) return;
  const { change } = decided;
  // The delivery first, as before the enrollment moves: a redo after a crash in between finds the step no longer passed and only counts.
  if (change.unpass !== undefined) await deliveryStore(db).markBounced(enrollment._id, change.unpass);
  await enrollmentStore(db).apply(enrollment._id, change);
}
