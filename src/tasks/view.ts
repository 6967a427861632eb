import {
  contactStore,
  deliveryStore,
  enrollmentStore,
  replyStore,
  repStore,
  taskStore,
  triageStore,
  type ContactDoc,
  type EnrollmentDoc,
  type ParleyCollections,
  type ReplyDoc,
  type RepDoc,
  type TaskDoc,
  type TaskEventDoc,
} from '../db/index.ts';
import { taskEvents } from './events.ts';
import { canSee } from './list.ts';
import { describeAuthentication } from './sender-notes.ts';

export interface ThreadEntry {
  kind: 'step' | 'reply' | 'rep_answer';
  at: Date;
  from: string;
  subject: string;
  text: string;
  intent?: string | undefined;
}

export interface TaskView {
  task: TaskDoc;
  contact: ContactDoc | null;
  enrollment: EnrollmentDoc | null;
  reply: ReplyDoc | null;
  /** Oldest first: sent steps, the enrollment's replies, reps' answers. */
  thread: ThreadEntry[];
  events: TaskEventDoc[];
  /** The receiving server's verdict on the reply's sender (Authentication-Results), in words. */
  authentication: string;
}

/** Everything a rep needs to answer a task; undefined when the viewer may not see it. */
export async function getTaskView(db: ParleyCollections, taskId: string, viewer: RepDoc): Promise<TaskView | undefined> {
  const task = await taskStore(db).get(taskId);
  if (!task || !canSee(viewer, task)) return undefined;
  const [contact, enrollment, reply, thread, events] = await Promise.all([
    contactStore(db).get(task.contactId),
    enrollmentStore(db).get(task.enrollmentId),
    replyStore(db).get(task.replyId),
    // A triage task not attached to an enrollment has no thread of ours: the sender's messages are it.
    task.triage && !task.enrollmentId ? triageThread(db, task.triage.replyIds) : threadOf(db, task.enrollmentId),
    taskEvents(db, taskId),
  ]);
  return { task, contact, enrollment, reply, thread, events, authentication: describeAuthentication(reply?.authentication) };
}

async function triageThread(db: ParleyCollections, replyIds: readonly string[]): Promise<ThreadEntry[]> {
  const replies = await triageStore(db).replies(replyIds);
  return replies.map((r) => ({
    kind: 'reply' as const,
    at: r.date ?? r.receivedAt,
    from: r.from,
    subject: r.subject,
    text: r.visibleText,
    ...(r.intent !== undefined && { intent: r.intent }),
  }));
}

async function threadOf(db: ParleyCollections, enrollmentId: string): Promise<ThreadEntry[]> {
  const [steps, replies, answers] = await Promise.all([
    deliveryStore(db).sentInThread(enrollmentId),
    replyStore(db).inThread(enrollmentId),
    repStore(db).answersInThread(enrollmentId),
  ]);
  // Ordered by when Parley saw each message: a reply's Date header has whole seconds (and the
  // sender's clock), so it could sort before the step it answers.
  const entries: Array<ThreadEntry & { order: Date }> = [
    ...steps.map((d) => ({
      kind: 'step' as const,
      at: d.sentAt ?? d.claimedAt,
      order: d.sentAt ?? d.claimedAt,
      from: d.from,
      subject: d.subject,
      text: d.text,
    })),
    ...replies.map((r) => ({
      kind: 'reply' as const,
      at: r.date ?? r.receivedAt,
      order: r.receivedAt,
      from: r.from,
      subject: r.subject,
      text: r.visibleText,
      ...((r.correction?.intent ?? r.intent) !== undefined && { intent: r.correction?.intent ?? r.intent }),
    })),
    ...answers.map((m) => ({
      kind: 'rep_answer' as const,
      at: m.sentAt ?? m.createdAt,
      order: m.sentAt ?? m.createdAt,
      from: m.from,
      subject: m.subject,
      text: m.text,
    })),
  ];
  return entries.sort((a, b) => a.order.getTime() - b.order.getTime()).map(({ order: _order, ...entry }) => entry);
}
