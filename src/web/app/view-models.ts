import type { TaskDoc, TaskPreview } from '../../db/index.ts';
import { dueWords, intentWords, priorityWords, snoozeWords } from './inbox-words.ts';
import type { Notice, TaskRow } from './pages.ts';

/**
 * The snippets for a task: a meeting request (or interest) answered with the sequence owner's
 * booking page first, when the sequence file gives one (`calendar_link`); then the saved ones.
 */
export function snippetsFor(intent: string, calendarLink: string | undefined): ReadonlyArray<{ label: string; text: string }> {
  if (!calendarLink || (intent !== 'meeting_request' && intent !== 'interested')) return SNIPPETS;
  return [
    {
      label: 'Calendar link',
      text: `Happy to! Pick any time that suits you here and it will land in my calendar: ${calendarLink}`,
    },
    ...SNIPPETS,
  ];
}

/** Saved answers a rep can drop into the reply box and edit. */
export const SNIPPETS: ReadonlyArray<{ label: string; text: string }> = [
  {
    label: 'Book a call',
    text: 'Thanks for getting back to me! Would a 20-minute call this week work? Send me two times that suit you and I will confirm one.',
  },
  {
    label: 'Send details',
    text: 'Thanks for the question. Here is a short overview of how it works, and I am happy to go through it on a call if that helps.',
  },
  {
    label: 'Later',
    text: 'Understood, thanks for letting me know. I will check back in a few months; reply any time before then if things change.',
  },
];

const OPEN_STATES = new Set(['open', 'claimed']);

export function taskRow(task: TaskDoc, now: Date, preview: TaskPreview | undefined = task.preview): TaskRow {
  const claimLive = task.claim && task.claim.until.getTime() > now.getTime() ? task.claim.by : undefined;
  const waiting = OPEN_STATES.has(task.status);
  return {
    name: preview?.name,
    company: preview?.company,
    snippet: preview?.snippet,
    sequenceId: task.sequenceId || undefined,
    intentLabel: intentWords(task.intent),
    priorityLabel: priorityWords(task.priority),
    dueLabel: waiting
      ? dueWords(task.dueAt, now).text
      : task.status === 'snoozed' && task.snoozedUntil
        ? snoozeWords(task.snoozedUntil, now)
        : task.status,
    relabelledBy: task.relabelledBy,
    id: task._id,
    email: task.email,
    intent: task.intent,
    confidence: task.confidence,
    priority: task.priority,
    status: task.status,
    dueAt: task.dueAt,
    assignee: task.assignee,
    claimedBy: claimLive,
    overdue: waiting && task.dueAt.getTime() < now.getTime(),
    escalated: task.escalated !== undefined,
    senderHeld: task.senderConcern !== undefined,
    triage: task.triage !== undefined,
  };
}

/** The failure codes of the task actions, as HTTP statuses and as fixed sentences for the page. */
export const FAILURES = {
  not_found: { status: 404, text: 'This task does not exist (any more).' },
  forbidden: { status: 403, text: 'You may not act on this task.' },
  claimed_by_other: { status: 409, text: 'Someone else has claimed this task; an admin can reassign it (Reassign on the task page).' },
  not_claimed: { status: 409, text: 'Claim the task first.' },
  invalid: { status: 400, text: 'That request was not valid; check the form.' },
  needs_confirmation: { status: 409, text: 'Nothing was changed: confirm that action first.' },
} as const;
export type FailureCode = keyof typeof FAILURES;

const DONE: Record<string, string> = {
  claim: 'Claimed: it is yours for now.',
  reply: 'Answer sent.',
  outcome: 'Outcome applied.',
  relabel: 'Intent relabelled.',
  assign: 'Reassigned.',
  attach: 'Attached to the contact.',
  dismiss: 'Dismissed.',
};

/** The notice for `?notice=<code>` after a form post: only known codes, never text from the URL. */
export function noticeFor(code: unknown): Notice | undefined {
  if (typeof code !== 'string') return undefined;
  if (code in FAILURES) return { kind: 'error', text: FAILURES[code as FailureCode].text };
  const done = DONE[code];
  return done ? { kind: 'ok', text: done } : undefined;
}

export function detailText(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (typeof detail !== 'object' || detail === null) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}
