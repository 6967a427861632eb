import type { Intent } from '../../classify/index.ts';

/** Intents as a rep reads them in the inbox (the code names stay in the API and the CLI). */
export const INTENT_WORDS: Readonly<Record<Intent, string>> = {
  interested: 'Interested',
  meeting_request: 'Wants a meeting',
  question: 'Has a question',
  not_now: 'Not now',
  not_interested: 'Not interested',
  unsubscribe: 'Unsubscribe',
  wrong_person: 'Wrong person / referral',
  out_of_office: 'Out of office',
  auto_reply: 'Automatic reply',
  bounce: 'Bounce',
  unclear: 'Unclear',
};

export function intentWords(intent: string): string {
  return Object.hasOwn(INTENT_WORDS, intent) ? INTENT_WORDS[intent as Intent] : intent;
}

/** Priorities 1 to 5 (src/tasks/priority.ts) in words. */
export function priorityWords(priority: number): string {
  return priority <= 1 ? 'Urgent' : priority === 2 ? 'High' : priority === 3 ? 'Normal' : 'Low';
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "due in 12 min", "due in 3 h", "due in 2 days"; "5 min late", "3 h late", "2 days late". */
export function dueWords(dueAt: Date, now: Date): { text: string; late: boolean } {
  const ms = dueAt.getTime() - now.getTime();
  const late = ms < 0;
  return { text: late ? `${spanWords(-ms)} late` : `due in ${spanWords(ms)}`, late };
}

/** "snoozed for 3 h": a snoozed task, until it wakes (the next list wakes one whose time came). */
export function snoozeWords(until: Date, now: Date): string {
  return `snoozed for ${spanWords(Math.max(0, until.getTime() - now.getTime()))}`;
}

function spanWords(span: number): string {
  if (span < MINUTE) return 'less than a minute';
  if (span < HOUR) return `${Math.floor(span / MINUTE)} min`;
  if (span < 2 * DAY) return `${Math.floor(span / HOUR)} h`;
  return `${Math.floor(span / DAY)} days`;
}
