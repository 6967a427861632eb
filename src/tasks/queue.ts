import { isDuplicateKey, type ParleyCollections, type ReplyDoc, type TaskDoc } from '../db/index.ts';
import type { Classification } from '../classify/index.ts';
import { taskPriority } from './priority.ts';

export interface TaskSource {
  reply: Pick<ReplyDoc, '_id'>;
  enrollment: { _id: string; contactId: string; email: string; sequenceId: string };
  classification: Classification;
  assignee?: string | undefined;
  outcome: string;
}

/**
 * Queues the human-response task for a reply (intents that need no person make none), once: the task's id is derived from the reply's,
 * so handling the same reply again changes nothing. Returns undefined when no person is needed.
 */
export async function queueTaskForReply(db: ParleyCollections, source: TaskSource, now = new Date()): Promise<TaskDoc | undefined> {
  const priority = taskPriority(source.classification.intent);
  if (priority === undefined) return undefined;
  const task: TaskDoc = {
    _id: `reply:${source.reply._id}`,
    replyId: source.reply._id,
    enrollmentId: source.enrollment._id,
    contactId: source.enrollment.contactId,
    email: source.enrollment.email,
    sequenceId: source.enrollment.sequenceId,
    intent: source.classification.intent,
    confidence: source.classification.confidence,
    explanation: source.classification.explanation,
    priority,
    ...(source.assignee !== undefined && { assignee: source.assignee }),
    outcome: source.outcome,
    status: 'open',
    createdAt: now,
  };
  try {
    await db.tasks.insertOne(task);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  return task;
}

/** Open tasks, most urgent first, oldest first within a priority. */
export async function listOpenTasks(db: ParleyCollections, limit = 100): Promise<TaskDoc[]> {
  return db.tasks.find({ status: 'open' }).sort({ priority: 1, createdAt: 1 }).limit(limit).toArray();
}
