/**
 * The conversational-marketing metrics: what each sequence and each step did for the people it
 * wrote to. Exact definitions (also in docs/METRICS.md):
 *
 * **Who is counted.** The period [from, to) picks the *emails*: an enrollment counts at a step
 * when that step's `email_sent` falls in the period. What those people did afterwards (bounce,
 * reply, opt out, qualify, get an answer) counts whenever it happened, up to the moment of the
 * read (`asOf`), and only when it belongs to an email of the period. So every rate is a share of
 * the same people (never above 100%), every email and its outcomes belong to exactly one period,
 * and a recent period's numbers still grow as late replies come in.
 *
 * **Counting people.** Counts are distinct enrollments: a step sent twice after a crash (two
 * `email_sent` with the same enrollment and step) counts once, and so does a contact who replied
 * twice. A step row counts the enrollments that got that step in the period; the total row counts
 * each enrollment once, however many of its steps it got or answered.
 */

/** The slice of an `events` document the metrics read (see EventDoc). */
export interface StatsEvent {
  /** `<type>:<key>`; an answer's key is its task id `reply:<replyId>`, which finds the reply it answers. */
  _id: string;
  type: string;
  at: Date;
  sequenceId?: string | undefined;
  stepId?: string | undefined;
  enrollmentId?: string | undefined;
  props?: Readonly<Record<string, string>> | undefined;
}

/** An enrollment enrolled in the period, for the completion rate. */
export interface EnrolledRecord {
  sequenceId: string;
  status: string;
  enrolledAt: Date;
}

/** What the report needs of a sequence file: its name and the ids of its steps, in order. */
export interface SequenceOutline {
  id: string;
  name: string;
  stepIds: readonly string[];
}

/** Half-open: from ≤ t < to. */
export interface StatsPeriod {
  from: Date;
  to: Date;
}

/** count / of; `value` is undefined when `of` is 0 (shown as "–"), never NaN. */
export interface Rate {
  count: number;
  of: number;
  value: number | undefined;
}

/** Time from a reply's arrival to a rep's first answer going out, in buckets. */
export type ResponseBucket = '<5m' | '<30m' | '<2h' | '<8h' | '<24h' | '≥24h';

export interface ResponseTimes {
  /** Replies of the counted emails that a rep answered (one `task_answered` per reply). */
  answered: number;
  /** Nearest-rank median (the ⌈n/2⌉-th smallest), in milliseconds; undefined with no answers. */
  medianMs: number | undefined;
  /** Nearest-rank 90th percentile (the ⌈0.9·n⌉-th smallest), in milliseconds. */
  p90Ms: number | undefined;
  histogram: ReadonlyArray<{ bucket: ResponseBucket; count: number }>;
}

/**
 * The metrics of one step, or of a whole sequence (the total row). Each count is of enrollments.
 */
export interface ConversationMetrics {
  /** Got the email in the period (distinct enrollment + step; a resend after a crash counts once). */
  sent: number;
  /** Sent, less bounced. In the total row: enrollments with at least one email of the period that did not hard-bounce. */
  delivered: number;
  /** Hard-bounced (`email_bounced` with kind `hard`); soft bounces are retried and do not count. In the total row: enrollments all of whose emails of the period hard-bounced. */
  bounced: number;
  /** A person replied to it (`replied`; out-of-office and other automatic answers are not replies). */
  replied: number;
  /** Replied with intent interested or meeting_request. */
  positive: number;
  /** Ended qualified (`qualified`). A step gets the credit when it was the one the enrollment last replied to before qualifying. */
  qualified: number;
  /** Opted out (`unsubscribed`, by reply, link or mailto), credited to the step the event names. */
  unsubscribed: number;
  /** Replied and ended qualified (at step level: replied to this step, whichever step gets the qualification's credit). */
  repliedQualified: number;
  /** replied / delivered. */
  replyRate: Rate;
  /** positive / delivered. */
  positiveReplyRate: Rate;
  /** qualified / delivered. */
  qualificationRate: Rate;
  /** unsubscribed / delivered. */
  optOutRate: Rate;
  /** optOutRate above OPT_OUT_WARNING_RATE (3%): the emails annoy more people than they should. */
  optOutWarning: boolean;
  /** Conversation-to-pipeline: repliedQualified / replied. */
  conversationToPipeline: Rate;
  /** Rep answers to the replies counted in `replied`. */
  responseTimes: ResponseTimes;
}

export interface StepStats extends ConversationMetrics {
  stepId: string;
  /** 1-based position in the sequence file; undefined for a step no longer in the file. */
  position: number | undefined;
  /** Per A/B variant (the `variant` of each `email_sent`), by id; absent for a step sent without variants. */
  variants?: VariantStats[] | undefined;
  /** The best variant's reply rate against the others, once the counts allow (variants.ts). */
  variantComparison?: VariantComparison | undefined;
}

/** One A/B variant of a step: the same counts as the step's, of the enrollments that got this variant. */
export interface VariantStats {
  variantId: string;
  sent: number;
  delivered: number;
  replied: number;
  positive: number;
  /** replied / delivered. */
  replyRate: Rate;
  /** positive / delivered. */
  positiveReplyRate: Rate;
}

export interface VariantComparison {
  /** Every variant has enough sent for a test. */
  ready: boolean;
  /** One line for people: "not enough data yet…" or the test's result per pair. */
  note: string;
  /** `test`: Fisher's exact test where few replies make the z-test's approximation poor, else the z-test. */
  pairs: Array<{ best: string; other: string; p: number | undefined; test: 'fisher' | 'z'; significant: boolean }>;
}

/** Replies that arrived on one UTC day, by intent. */
export interface IntentDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  total: number;
  byIntent: Readonly<Record<string, number>>;
}

export interface SequenceStats {
  sequenceId: string;
  /** From the sequence file; undefined when the file is gone but its events remain. */
  name: string | undefined;
  /** Steps in the file's order, then steps seen in events that the file no longer has. */
  steps: StepStats[];
  total: ConversationMetrics;
  /**
   * Of the enrollments enrolled in the period (`enrolledAt` in [from, to)), those `completed` now.
   * A sequence-level number only: a step has no completion.
   */
  completion: Rate;
  /** Replies counted in `total.replied`, one per reply (a contact replying twice counts twice), per day. */
  intentsByDay: IntentDay[];
}

export interface StatsReport {
  period: StatsPeriod;
  /** When the numbers were read: outcomes are counted up to here. */
  asOf: Date;
  /** The one sequence asked for, if any. */
  sequenceId: string | undefined;
  sequences: SequenceStats[];
  /** All reported sequences together, for the charts. */
  intentsByDay: IntentDay[];
  responseTimes: ResponseTimes;
}
