/**
 * Event types Parley records itself, about its conversations. Outside senders may not use them:
 * a `replied` from the website would count in the reply rate.
 */
export const OWN_EVENTS = {
  /** A step went out (props: attempt). */
  sent: 'email_sent',
  /** A step bounced (props: kind hard|soft, status). */
  bounced: 'email_bounced',
  /** A person replied (props: intent, matched_by). */
  replied: 'replied',
  /** An out-of-office or other automatic answer came back (props: intent). */
  autoReplied: 'auto_replied',
  /** The contact asked to hear no more (props: via reply|link|mailto). */
  unsubscribed: 'unsubscribed',
  /** A rep's first answer to a reply went out (props: response_ms, rep). */
  taskAnswered: 'task_answered',
  /** The conversation ended qualified (props: by). */
  qualified: 'qualified',
} as const;

export type OwnEventType = (typeof OWN_EVENTS)[keyof typeof OWN_EVENTS];

export const OWN_EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(OWN_EVENTS));

/** Event type names: lower-case snake_case identifiers. */
export const EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

/** The outcomes of a conversation the metrics count; `auto_replied` is left out: an out-of-office is not a reply. */
export const OUTCOME_EVENT_TYPES: readonly OwnEventType[] = [
  OWN_EVENTS.bounced,
  OWN_EVENTS.replied,
  OWN_EVENTS.unsubscribed,
  OWN_EVENTS.qualified,
  OWN_EVENTS.taskAnswered,
];

/** What `parley stats` reads: sends and their outcomes (summarized per day, src/stats/days.ts). */
export const STATS_EVENT_TYPES: readonly OwnEventType[] = [OWN_EVENTS.sent, ...OUTCOME_EVENT_TYPES];
