/** The sequence contract other parts of Parley code against (re-exported by index.ts). */

export interface SequenceSender {
  name: string;
  /** Lower-cased, validated as an email address. */
  address: string;
  /** Where replies should go (Reply-To), normally the mailbox Parley listens to; undefined: the sender address. */
  replyTo: string | undefined;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** When a sequence may send, in the contact's local time. */
export interface SendingPolicy {
  /** IANA zone used when the contact has none, e.g. "Europe/Berlin" (validated). Default "UTC". */
  timezone: string;
  /** Days a step may go out. Default mon..fri. */
  sendDays: readonly Weekday[];
  /** Local window as minutes after midnight, start < end. Default 9:00 (540) to 17:00 (1020). */
  sendHours: { startMinute: number; endMinute: number };
  /** Most emails Parley sends one contact across all sequences in any 30 days. Default 8. */
  maxPerContact30d: number;
  /** Most emails from this sequence's sender mailbox per day / per hour. Defaults 200 / 50. */
  mailboxCaps: { perDay: number; perHour: number };
}

/** A wait before a step: a plain duration ("3 days", "12h"), or working days ("2 business days") counted on the policy's send days. */
export type StepWait = { kind: 'duration'; ms: number } | { kind: 'business_days'; days: number };

/** What the step's one question asks, so the answer can be stored on the contact. */
export type Qualification = 'main_goal' | 'team_size' | 'timeline' | 'budget' | 'decision_maker';

/** Intents whose outcome a sequence may choose. Unsubscribe, bounce, out-of-office and auto-reply are fixed. */
export type ConfigurableIntent = 'interested' | 'meeting_request' | 'question' | 'not_now' | 'not_interested' | 'wrong_person' | 'unclear';

/** What a reply with a given intent does to the enrollment. */
export type ReplyOutcome =
  | { action: 'pause_and_task' }
  | { action: 'stop' }
  /** `atMost`: the latest a date the lead named may push the resume ("try me next year"); a year when unset. */
  | { action: 'resume_after'; wait: StepWait; atMost?: StepWait | undefined }
  | { action: 'move_to'; sequenceId: string }
  | { action: 'route_to_owner' }
  | { action: 'mark_qualified' };

/**
 * What a reply that refers us to someone else does (`referral:` in the file): enroll that person
 * in another sequence, or hand both to a rep. `original` is what happens to the referrer's
 * enrollment. Acts only on a reply proven to come from the enrolled contact.
 */
export type ReferralRule =
  { action: 'enroll_referred'; sequenceId: string; original: 'stop' | 'pause' } | { action: 'hand_to_rep'; original: 'stop' | 'pause' };

/** One text of a step in an A/B test; the step's own text is variant `a` (weight 1). Resolved: a field the variant leaves out is the step's. */
export interface StepVariant {
  /** A slug, unique in the step; `a` is the step's own text. */
  id: string;
  /** Relative share of enrollments that get this variant, 1..100. */
  weight: number;
  subject: string | undefined;
  body: string;
}

export interface SequenceStep {
  /** Stable across edits so enrollments keep their place; /^[a-z0-9][a-z0-9-]*$/, unique in the file. */
  id: string;
  /** 0-based position in the sequence. */
  index: number;
  /** Wait after the previous step was sent; for step 0, after enrollment (default 0). */
  wait: StepWait;
  /** Liquid template. Required on step 0; on later steps undefined means "reply in the same thread". */
  subject: string | undefined;
  /** Liquid template for the plain-text body. */
  body: string;
  /** What the step's question asks, if declared. */
  asks: Qualification | undefined;
  /** Overrides of the sequence's outcomes for replies to this step. */
  outcomes: Partial<Record<ConfigurableIntent, ReplyOutcome>>;
  /** Absent or empty without `variants:` in the file; otherwise `a` (the step's own text) first, then the file's, in order. Optional so steps built in code need not list it. */
  variants?: readonly StepVariant[] | undefined;
}

export interface Sequence {
  id: string;
  name: string;
  /** The path the sequence was loaded from (or the name given to parseSequence). */
  file: string;
  /** Email of the person who owns the sequence (and its leads, unless a contact has an owner). */
  owner: string | undefined;
  /** The owner's booking page (`calendar_link`), offered as a snippet to reps answering a meeting request. */
  calendarLink?: string | undefined;
  /** The one sender (`sender:`), or for a pool the first of `senders` (each enrollment has its own: sendersOf). */
  sender: SequenceSender;
  /**
   * A sender pool (`senders:` in the file): each enrollment is given one of these mailboxes at its
   * first send and keeps it for the whole thread. Undefined: every step goes out from `sender`.
   */
  senders?: readonly SequenceSender[] | undefined;
  audience: {
    /** Contacts may be enrolled by hand (`parley enroll`). Default true. */
    manual: boolean;
    /** Members of this segment are enrolled when they enter it. */
    segment: string | undefined;
    /** A contact who leaves and enters the segment again is enrolled again (a new round). Default false: once per contact. */
    reenter: boolean;
    /** What leaving the segment does to an active or paused enrollment: `stop` it, or `stay` (default). */
    onExit: 'stay' | 'stop';
  };
  policy: SendingPolicy;
  optOut: {
    /** Plain sentence appended to every email; '' turns it off (then listUnsubscribe must be on). */
    sentence: string;
    /** Add List-Unsubscribe (mailto + RFC 8058 one-click link). Off by default: see docs. */
    listUnsubscribe: boolean;
  };
  /** Add an HTML alternative rendered from the text through MJML. Off by default. */
  html: boolean;
  /**
   * A due step while the contact is in a conversation (a reply waiting for a rep, or a rep's answer
   * waiting for theirs): `hold` it until the conversation ends (default), or `send` it anyway.
   */
  duringConversation: 'hold' | 'send';
  /** Outcome per intent for the whole sequence; intents not listed: pause_and_task. */
  outcomes: Partial<Record<ConfigurableIntent, ReplyOutcome>>;
  /** What a referral reply does; without it, the reply's intent outcome (wrong_person) applies. */
  referral?: ReferralRule | undefined;
  /** Lint rule levels set in the file, by rule id. */
  lint: Readonly<Record<string, 'off' | 'warn' | 'error'>>;
  steps: readonly SequenceStep[];
}

export interface SequenceProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Path of the offending field, like "steps[1].wait"; "" for the file as a whole. */
  field: string;
  message: string;
}

export type SequenceLoadResult = { ok: true; sequence: Sequence } | { ok: false; problems: SequenceProblem[] };

/** Contact fields available to templates as {{ first_name }}, {{ last_name }}, {{ company }}, {{ email }} plus any custom string fields. */
export interface TemplateContact {
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  company?: string | undefined;
  fields?: Readonly<Record<string, string>> | undefined;
}

export interface RenderedStep {
  subject: string;
  /** The body plus the opt-out sentence. */
  text: string;
  /** True when the step answers the thread started by step 0 (subject "Re: …"). */
  isReply: boolean;
}

/**
 * A step that cannot be written to this contact without showing a blank or a raw placeholder:
 * a variable without fallback has no value. The step is skipped with this reason, never sent.
 */
export interface UnfillableStep {
  missing: string[];
}

export type StepRendering = { ok: true; rendered: RenderedStep } | { ok: false; unfillable: UnfillableStep };
