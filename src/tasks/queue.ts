import {
  boundedTaskId,
  taskStore,
  type ContactDoc,
  type ParleyCollections,
  type ReferredPerson,
  type ReplyDoc,
  type SenderConcern,
  type TaskDoc,
  type TaskPreview,
} from '../db/index.ts';
import type { Classification } from '../classify/index.ts';
import { chooseAssignee } from './assign.ts';
import { taskPriority } from './priority.ts';
import { DEFAULT_TASK_SETTINGS, taskDueAt, type TaskSettings } from './settings.ts';

export interface TaskSource {
  reply: Pick<ReplyDoc, '_id'>;
  enrollment: { _id: string; contactId: string; email: string; sequenceId: string };
  classification: Classification;
  assignee?: string | undefined;
  /** The contact as the caller already read it (null: none), so choosing an assignee need not read it again. */
  contact?: Pick<ContactDoc, 'owner'> | null | undefined;
  outcome: string;
  /** The reply came from someone who may not act for the contact: the task says so, and exists whatever the intent. */
  senderConcern?: SenderConcern | undefined;
  /** The person the reply referred us to, and what was done about them. */
  referral?: ReferredPerson | undefined;
  /** The date the reply named for being contacted again. */
  namedDate?: { at: Date; phrase: string } | undefined;
  /** What the inbox row shows (taskPreview). */
  preview?: TaskPreview | undefined;
}

/** Priority of a held reply whose intent needs no person otherwise (an unsubscribe, an out-of-office): someone checks it soon. */
const HELD_PRIORITY = 2;

/**
 * Queues the human-response task for a reply (intents that need no person make none), once: the task's id is derived from the reply's,
 * so handling the same reply again changes nothing. Returns undefined when no person is needed.
 * The task is due after the priority's response-time target, and assigned (see chooseAssignee).
 */
export async function queueTaskForReply(
  db: ParleyCollections,
  source: TaskSource,
  now = new Date(),
  settings: TaskSettings = DEFAULT_TASK_SETTINGS,
): Promise<TaskDoc | undefined> {
  const priority = taskPriority(source.classification.intent) ?? (source.senderConcern ? HELD_PRIORITY : undefined);
  if (priority === undefined) return undefined;
  // Bounded: a 715-character Message-ID made a task whose URL the router refused (414).
  const _id = boundedTaskId(`reply:${source.reply._id}`);
  const tasks = taskStore(db);
  // No read first: the insert below finds an existing task (a reply handled again after a cut-off).
  // Such a rare second try may take a round-robin turn for nothing; the task keeps its assignee.
  const assignee = await chooseAssignee(
    db,
    { taskId: _id, given: source.assignee, contactId: source.enrollment.contactId, contact: source.contact },
    now,
  );
  const dueAt = taskDueAt(priority, now, settings.targetMinutes);
  const task: TaskDoc = {
    _id,
    replyId: source.reply._id,
    enrollmentId: source.enrollment._id,
    contactId: source.enrollment.contactId,
    email: source.enrollment.email,
    sequenceId: source.enrollment.sequenceId,
    intent: source.classification.intent,
    confidence: source.classification.confidence,
    explanation: source.classification.explanation,
    priority,
    ...(assignee !== undefined && { assignee }),
    outcome: source.outcome,
    ...(source.senderConcern && { senderConcern: source.senderConcern }),
    ...(source.referral && { referral: source.referral }),
    ...(source.namedDate && { namedDate: { at: source.namedDate.at, phrase: source.namedDate.phrase } }),
    ...(source.preview && { preview: source.preview }),
    status: 'open',
    createdAt: now,
    dueAt,
    // The audit trail's "created" entry, on the task itself: one write queues it.
    asCreated: {
      priority: String(priority),
      dueAt: dueAt.toISOString(),
      intent: source.classification.intent,
      ...(assignee !== undefined && { assignee }),
      ...(source.senderConcern && { sender: source.senderConcern.note }),
    },
  };
  const inserted = await tasks.insert(task);
  return 'existing' in inserted ? inserted.existing : task;
}

/** Open tasks, most urgent first, oldest first within a priority. */
export async function listOpenTasks(db: ParleyCollections, limit = 100): Promise<TaskDoc[]> {
  return taskStore(db).open(limit);
}
