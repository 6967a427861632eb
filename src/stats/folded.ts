import type { SequenceOutline, StatsPeriod } from './types.ts';

/** What the collector keeps of the events (collector.ts) and the counting reads (tally.ts). */

/** An outcome of a conversation, before we know whether it belongs to an email of the period. */
export interface OutcomeRef {
  enrollmentId: string;
  stepId: string | undefined;
  at: Date;
}

export interface ReplyRecord extends OutcomeRef {
  intent: string;
}

/** Everything the events said, reduced to what the metrics need; see tally.ts for the counting. */
export interface Folded {
  /** Enrollment id → its sequence and the steps it got in the period. */
  sends: Map<string, { sequenceId: string; steps: Set<string> }>;
  /** `<enrollment>\n<step>` → the A/B variant its email wrote (props.variant of `email_sent`). */
  variants: Map<string, string>;
  /** Enrollment id → steps that hard-bounced. */
  hardBounces: Map<string, Set<string>>;
  /** By reply id (the key of `replied:<replyId>`), which an answer's task id names. */
  replies: Map<string, ReplyRecord>;
  unsubscribes: OutcomeRef[];
  qualified: OutcomeRef[];
  answers: Array<{ replyId: string; ms: number }>;
  /** Sequence id → enrollments enrolled in the period, and how many of them are completed. */
  enrolled: Map<string, { enrolled: number; completed: number }>;
}

export interface StatsOptions {
  period: StatsPeriod;
  /** When the events were read; outcomes up to here count. */
  asOf: Date;
  /** The sequences to report even when nothing happened in them (the worker's catalog). */
  sequences: readonly SequenceOutline[];
  /** Report only this sequence. */
  sequenceId?: string | undefined;
}
