import { classifyReply } from '../classify/index.ts';
import type { EnrollmentFields, EnrollmentStatus } from '../db/index.ts';
import { nextStep, stepDueTime, transition, type TransitionResult } from '../enrollments/index.ts';
import { decideOutcome } from '../inbound/index.ts';
import { capRoom, contactZone, describeLocalTime, nextSendWindow } from '../schedule/index.ts';
import { chooseVariant, renderStep, type Sequence } from '../sequences/index.ts';
import { virtualContact, type PreviewContact } from './preview.ts';

/** "This contact answers step N with these words, this long after it arrives." */
export interface ReplyScenario {
  /** A contact's email, or '*' for everyone. */
  contact: string;
  /** The step id, or its 1-based number. */
  afterStep: string;
  text: string;
  /** Milliseconds between the step's arrival and the reply. Default 2 hours. */
  delayMs?: number;
}

export interface TimelineEvent {
  at: Date;
  localTime: string;
  kind: 'sent' | 'skipped' | 'deferred' | 'reply' | 'outcome' | 'end';
  stepId?: string;
  detail: string;
}

const HOUR = 60 * 60 * 1000;
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * Each contact's timeline on a virtual clock: which step goes out when (in the contact's zone),
 * what is skipped and why, and what the scenario replies do, through the same scheduling,
 * rendering, classification and outcome code the worker runs. Contacts are simulated one by one,
 * so the per-contact cap counts this sequence's sends only and mailbox caps are not applied.
 */
export async function simulateSequence(
  sequence: Sequence,
  contacts: readonly PreviewContact[],
  scenarios: readonly ReplyScenario[],
  options: { start: Date; getSequence: (id: string) => Sequence | undefined },
): Promise<Map<string, TimelineEvent[]>> {
  const timelines = new Map<string, TimelineEvent[]>();
  for (const input of contacts) {
    timelines.set(input.email.toLowerCase(), await simulateContact(sequence, input, scenarios, options));
  }
  return timelines;
}

async function simulateContact(
  sequence: Sequence,
  input: PreviewContact,
  scenarios: readonly ReplyScenario[],
  options: { start: Date; getSequence: (id: string) => Sequence | undefined },
): Promise<TimelineEvent[]> {
  const contact = virtualContact(input, options.start);
  const zone = contactZone(contact.timeZone, sequence.policy);
  const events: TimelineEvent[] = [];
  const note = (at: Date, kind: TimelineEvent['kind'], detail: string, stepId?: string) =>
    events.push({ at, localTime: describeLocalTime(at, zone), kind, detail, ...(stepId !== undefined && { stepId }) });

  let status: EnrollmentStatus = 'active';
  const passed: string[] = [];
  const sentTimes: Date[] = [];
  let step = nextStep(sequence, passed);
  let dueAt = step ? stepDueTime(sequence, step, options.start, contact.timeZone) : undefined;
  while (step && dueAt && status === 'active') {
    const room = capRoom(
      dueAt,
      { maxPerContact30d: sequence.policy.maxPerContact30d, perHour: UNLIMITED, perDay: UNLIMITED },
      { toContact: sentTimes, fromMailbox: [] },
    );
    if (room > dueAt) {
      note(dueAt, 'deferred', `over the cap of ${sequence.policy.maxPerContact30d} emails in 30 days`, step.id);
      dueAt = nextSendWindow(room, zone, sequence.policy);
    }
    // A stand-in enrollment id per contact, so each simulated contact gets one variant as a real enrollment would.
    const variant = chooseVariant(step, `simulate:${contact.email}`);
    const rendering = await renderStep(sequence, step.index, contact, variant?.id);
    passed.push(step.id);
    const current = step;
    step = nextStep(sequence, passed);
    if (!rendering.ok) {
      note(dueAt, 'skipped', `no value for ${rendering.unfillable.missing.join(', ')}`, current.id);
      dueAt = step ? stepDueTime(sequence, step, dueAt, contact.timeZone) : undefined;
      continue;
    }
    note(dueAt, 'sent', `"${rendering.rendered.subject}"${variant ? ` (A/B variant ${variant.id})` : ''}`, current.id);
    sentTimes.push(dueAt);
    let nextAt = step ? stepDueTime(sequence, step, dueAt, contact.timeZone) : null;

    const scenario = scenarios.find(
      (s) =>
        (s.contact === '*' || s.contact.toLowerCase() === contact.email) &&
        (s.afterStep === current.id || s.afterStep === String(current.index + 1)),
    );
    if (scenario) {
      const replyAt = new Date(dueAt.getTime() + (scenario.delayMs ?? 2 * HOUR));
      const classification = classifyReply({
        subject: `Re: ${rendering.rendered.subject}`,
        visibleText: scenario.text,
        headers: {},
        fromAddress: contact.email,
        contentType: 'text/plain',
      });
      note(replyAt, 'reply', `"${scenario.text}" -> ${classification.intent} (${classification.confidence.toFixed(2)})`, current.id);
      const plan = decideOutcome({
        sequence,
        getSequence: options.getSequence,
        stepId: current.id,
        classification,
        visibleText: scenario.text,
        written: replyAt,
        now: replyAt,
        contact,
        nextStepAt: nextAt,
      });
      const details = [plan.action];
      if (plan.suppress) status = 'stopped';
      // The same state machine as the worker's, so the simulation refuses what the worker would.
      const changed: TransitionResult | undefined =
        plan.enrollment && transition({ status, passedStepIds: [] }, { ...plan.enrollment, replyId: 'simulated' }, replyAt);
      if (changed?.ok) {
        const set: EnrollmentFields = changed.change.set;
        status = set.status ?? status;
        if (set.nextStepAt !== undefined) nextAt = set.nextStepAt;
        if (set.statusReason) details.push(set.statusReason);
      }
      if (plan.task) details.push(`task queued${plan.task.assignee ? ` for ${plan.task.assignee}` : ''}`);
      if (plan.moveTo) details.push(`enrolled in ${plan.moveTo.id}`);
      note(replyAt, 'outcome', details.join('; '), current.id);
    }
    dueAt = nextAt ?? undefined;
  }
  const last = events.at(-1)?.at ?? options.start;
  note(last, 'end', status === 'active' ? (step ? 'active' : 'completed: every step passed') : `enrollment ${status}`);
  return events;
}
