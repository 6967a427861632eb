import {
  contactStore,
  taskStore,
  timelineStore,
  type ContactDoc,
  type ContactHistory,
  type ParleyCollections,
  type RepDoc,
  type TaskDoc,
} from '../db/index.ts';
// list.ts, not the barrel: the barrel's outcome.ts releases held steps through this folder.
import { canSee } from '../tasks/list.ts';
import { describeConversation, openConversation, type Conversation } from './conversation.ts';

/** What a timeline entry is about. */
export type TimelineKind = 'email_sent' | 'email_not_sent' | 'reply' | 'rep_answer' | 'task' | 'enrollment' | 'event';

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  /** The sequence it belongs to, when it belongs to one. */
  sequenceId?: string | undefined;
  /** One line: what happened. */
  title: string;
  /** A second line: why, who, or the outcome. */
  detail?: string | undefined;
  /** The mail's subject and text (sent steps, replies, reps' answers): content from outside, to be escaped wherever shown. */
  mail?: { from: string; subject: string; text: string } | undefined;
  /** The reply's intent (a rep's correction when there is one). */
  intent?: string | undefined;
  /** The task it concerns, for a link. */
  taskId?: string | undefined;
}

export interface ContactTimeline {
  contact: ContactDoc;
  /** The conversation open now, if any: while it lasts no sequence writes to the contact (unless its file says so). */
  conversation: Conversation | undefined;
  /** Oldest first. */
  entries: TimelineEntry[];
}

/** Outside events and Parley's own beyond those shown from richer records (sent steps, replies, answers). */
const SHOWN_ELSEWHERE: ReadonlySet<string> = new Set(['email_sent', 'replied', 'auto_replied', 'task_answered']);
/** The newest events of a contact that the timeline shows; a contact can have a long browsing history. */
export const TIMELINE_EVENT_LIMIT = 500;

/**
 * A contact's timeline: every email sent, reply received (with its intent and outcome), rep's
 * answer, task (queued, claimed, answered, closed, ...), enrollment state change Parley keeps
 * (enrolled, a step skipped or held, the status it is in now and why) and event, in time order.
 * Undefined when there is no such contact, or the viewer may not see it: a rep sees the contacts
 * they own or have a task of they may see (src/tasks/list.ts `canSee`); an admin sees everyone.
 */
export async function contactTimeline(
  db: ParleyCollections,
  email: string,
  viewer: RepDoc,
  options: { now: Date; conversationWaitMs: number },
): Promise<ContactTimeline | undefined> {
  const contact = await contactStore(db).getByEmail(email.trim().toLowerCase());
  if (!contact) return undefined;
  const history = await timelineStore(db).contactHistory(contact._id, { eventLimit: TIMELINE_EVENT_LIMIT });
  if (!mayView(viewer, contact, history.tasks)) return undefined;
  const taskEntries = await Promise.all(history.tasks.map((t) => taskTimeline(db, t)));
  const entries = [...mailEntries(history), ...taskEntries.flat(), ...enrollmentEntries(history), ...eventEntries(history)];
  entries.sort((a, b) => a.at.getTime() - b.at.getTime() || ORDER[a.kind] - ORDER[b.kind]);
  const conversation = openConversation(history.tasks, options.now, options.conversationWaitMs);
  return { contact, conversation, entries };
}

/** Within one instant: what arrived before what it caused. */
const ORDER: Record<TimelineKind, number> = { enrollment: 0, email_sent: 1, email_not_sent: 1, reply: 2, task: 3, rep_answer: 4, event: 5 };

function mayView(viewer: RepDoc, contact: ContactDoc, tasks: readonly TaskDoc[]): boolean {
  return viewer.role === 'admin' || contact.owner === viewer._id || tasks.some((t) => canSee(viewer, t));
}

function mailEntries(h: ContactHistory): TimelineEntry[] {
  const sequenceOf = new Map(h.enrollments.map((e) => [e._id, e.sequenceId]));
  const sent = h.deliveries.flatMap((d): TimelineEntry[] => {
    const sequenceId = sequenceOf.get(d.enrollmentId);
    const mail = { from: d.from, subject: d.subject, text: d.text };
    if (d.state === 'sent' || d.state === 'bounced')
      return [
        {
          at: d.sentAt ?? d.claimedAt,
          kind: 'email_sent',
          sequenceId,
          title: `Sent step ${d.stepId}${d.attempt > 1 ? ` (attempt ${d.attempt})` : ''}`,
          detail: d.state === 'bounced' ? 'bounced later (soft)' : undefined,
          mail,
        },
      ];
    if (d.state === 'failed')
      return [
        {
          at: d.claimedAt,
          kind: 'email_not_sent',
          sequenceId,
          title: `Step ${d.stepId} failed (attempt ${d.attempt})`,
          detail: d.error?.message,
        },
      ];
    return [];
  });
  const replies = h.replies.map((r): TimelineEntry => {
    const intent = r.correction?.intent ?? r.intent;
    return {
      at: r.receivedAt,
      kind: 'reply',
      sequenceId: r.enrollmentId ? sequenceOf.get(r.enrollmentId) : undefined,
      title: `Reply received${intent ? ` (${intent})` : ''}`,
      detail: [r.outcome && `outcome ${r.outcome}`, r.senderConcern?.note].filter(Boolean).join('; ') || undefined,
      mail: { from: r.from, subject: r.subject, text: r.visibleText },
      intent,
    };
  });
  const answers = h.repAnswers.map((m): TimelineEntry => ({
    at: m.sentAt ?? m.createdAt,
    kind: 'rep_answer',
    sequenceId: sequenceOf.get(m.enrollmentId),
    title: m.state === 'sent' ? `Rep answer sent by ${m.rep}` : `Rep answer by ${m.rep} (${m.state})`,
    detail: m.error,
    mail: { from: m.from, subject: m.subject, text: m.text },
    taskId: m.taskId,
  }));
  return [...sent, ...replies, ...answers];
}

/** A task's audit trail as entries: queued, claimed, answered, relabelled, snoozed, closed with its outcome. */
async function taskTimeline(db: ParleyCollections, task: TaskDoc): Promise<TimelineEntry[]> {
  const events = await taskStore(db).events(task._id);
  return events.map((ev) => ({
    at: ev.at,
    kind: 'task',
    sequenceId: task.sequenceId,
    title: `Task ${TASK_ACTIONS[ev.action] ?? ev.action}${ev.by === 'parley' ? '' : ` by ${ev.by}`}`,
    detail:
      ev.action === 'created'
        ? `${task.intent}, priority ${task.priority}${task.assignee ? `, for ${task.assignee}` : ''}`
        : Object.entries(ev.detail)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ') || undefined,
    taskId: task._id,
  }));
}

const TASK_ACTIONS: Record<string, string> = {
  created: 'opened',
  claimed: 'claimed',
  answered: 'answered',
  resume: 'closed: sequence resumed',
  stop: 'closed: sequence stopped',
  done: 'closed: done',
  qualified: 'closed: qualified',
  move: 'closed: moved to another sequence',
  snooze: 'snoozed',
  woke: 'woke from snooze',
  relabel: 'relabelled',
  escalated: 'escalated',
};

function enrollmentEntries(h: ContactHistory): TimelineEntry[] {
  return h.enrollments.flatMap((e): TimelineEntry[] => {
    const entries: TimelineEntry[] = [
      {
        at: e.enrolledAt,
        kind: 'enrollment',
        sequenceId: e.sequenceId,
        title: `Enrolled${e.round !== undefined && e.round > 1 ? ` (round ${e.round})` : ''}`,
        detail: e.source?.kind === 'segment' ? `on entering segment ${e.source.segmentId}` : undefined,
      },
      ...e.skippedSteps.map((s): TimelineEntry => ({
        at: s.at,
        kind: 'enrollment',
        sequenceId: e.sequenceId,
        title: `Step ${s.stepId} skipped`,
        detail: s.reason,
      })),
    ];
    if (e.held)
      entries.push({
        at: e.held.since,
        kind: 'enrollment',
        sequenceId: e.sequenceId,
        title: `Step ${e.held.stepId} held: the contact is in a conversation`,
        detail: e.passedStepIds.includes(e.held.stepId)
          ? 'held until the conversation was over'
          : e.status === 'active'
            ? `waiting for task ${e.held.taskId} to close`
            : `never sent: the enrollment is ${e.status}`,
        taskId: e.held.taskId,
      });
    if (e.status !== 'active')
      entries.push({
        at: e.updatedAt,
        kind: 'enrollment',
        sequenceId: e.sequenceId,
        title: `Enrollment ${e.status}`,
        detail: e.statusReason,
      });
    return entries;
  });
}

function eventEntries(h: ContactHistory): TimelineEntry[] {
  return h.events
    .filter((ev) => ev.source !== 'parley' || !SHOWN_ELSEWHERE.has(ev.type))
    .map((ev) => ({
      at: ev.at,
      kind: 'event',
      sequenceId: ev.sequenceId,
      title: `Event ${ev.type}${ev.source === 'parley' ? '' : ` (${ev.source})`}`,
      detail:
        Object.entries(ev.props)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ') || undefined,
    }));
}

/** The open conversation in words, for the CLI and the page. */
export function conversationLine(conversation: Conversation | undefined): string {
  return conversation
    ? `In a conversation: ${describeConversation(conversation)}. No sequence writes to this contact meanwhile, unless its file says during_conversation: send.`
    : 'No open conversation: sequences write as scheduled.';
}
