import { OWN_EVENTS } from '../events/types.ts';
import type { Folded, OutcomeRef, StatsOptions } from './folded.ts';
import { tallyReport } from './tally.ts';
import type { EnrolledRecord, StatsEvent, StatsReport } from './types.ts';

export type { StatsOptions } from './folded.ts';

/** Task ids are `reply:<replyId>` (tasks/queue.ts), so an answer's event id is `task_answered:reply:<replyId>`. */
const ANSWER_PREFIX = `${OWN_EVENTS.taskAnswered}:reply:`;
const REPLY_PREFIX = `${OWN_EVENTS.replied}:`;

/**
 * Folds events one at a time (a database cursor streams them in, in any order), then counts.
 * Holds one entry per email sent in the period and per outcome, never the events themselves.
 */
export class StatsCollector {
  readonly #options: StatsOptions;
  readonly #folded: Folded = {
    sends: new Map(),
    variants: new Map(),
    hardBounces: new Map(),
    replies: new Map(),
    unsubscribes: [],
    qualified: [],
    answers: [],
    enrolled: new Map(),
  };

  constructor(options: StatsOptions) {
    this.#options = options;
  }

  add(event: StatsEvent): void {
    const { period, sequenceId } = this.#options;
    const enrollmentId = event.enrollmentId;
    if (enrollmentId === undefined || event.at < period.from) return;
    if (sequenceId !== undefined && event.sequenceId !== sequenceId) return;
    const f = this.#folded;
    const ref: OutcomeRef = { enrollmentId, stepId: event.stepId, at: event.at };
    switch (event.type) {
      case OWN_EVENTS.sent: {
        if (event.stepId === undefined || event.sequenceId === undefined || event.at >= period.to) return;
        const sends = f.sends.get(enrollmentId) ?? { sequenceId: event.sequenceId, steps: new Set<string>() };
        sends.steps.add(event.stepId);
        f.sends.set(enrollmentId, sends);
        const variant = event.props?.variant;
        if (variant !== undefined) f.variants.set(`${enrollmentId}\n${event.stepId}`, variant);
        return;
      }
      case OWN_EVENTS.bounced: {
        if (event.props?.kind !== 'hard' || event.stepId === undefined) return;
        const steps = f.hardBounces.get(enrollmentId) ?? new Set<string>();
        steps.add(event.stepId);
        f.hardBounces.set(enrollmentId, steps);
        return;
      }
      case OWN_EVENTS.replied:
        if (event._id.startsWith(REPLY_PREFIX))
          f.replies.set(event._id.slice(REPLY_PREFIX.length), { ...ref, intent: event.props?.intent ?? 'unclear' });
        return;
      case OWN_EVENTS.unsubscribed:
        f.unsubscribes.push(ref);
        return;
      case OWN_EVENTS.qualified:
        f.qualified.push(ref);
        return;
      case OWN_EVENTS.taskAnswered: {
        const ms = Number(event.props?.response_ms);
        if (event._id.startsWith(ANSWER_PREFIX) && Number.isFinite(ms) && ms >= 0)
          f.answers.push({ replyId: event._id.slice(ANSWER_PREFIX.length), ms });
        return;
      }
    }
  }

  addEnrollment(record: EnrolledRecord): void {
    const { period, sequenceId } = this.#options;
    if (sequenceId !== undefined && record.sequenceId !== sequenceId) return;
    if (record.enrolledAt < period.from || record.enrolledAt >= period.to) return;
    const counts = this.#folded.enrolled.get(record.sequenceId) ?? { enrolled: 0, completed: 0 };
    counts.enrolled += 1;
    if (record.status === 'completed') counts.completed += 1;
    this.#folded.enrolled.set(record.sequenceId, counts);
  }

  report(): StatsReport {
    return tallyReport(this.#folded, this.#options);
  }
}

/** The whole computation on arrays: events and enrollments in, metrics out. */
export function computeStats(options: StatsOptions & { events: Iterable<StatsEvent>; enrollments: Iterable<EnrolledRecord> }): StatsReport {
  const collector = new StatsCollector(options);
  for (const event of options.events) collector.add(event);
  for (const enrollment of options.enrollments) collector.addEnrollment(enrollment);
  return collector.report();
}
