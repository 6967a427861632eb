import { randomBytes } from 'node:crypto';
import type { ParleyCollections, TaskEventDoc } from '../db/index.ts';

let sequence = 0n;
/**
 * Event ids sort in the order this process wrote them (after `at`, which sorts first): time in
 * milliseconds, a per-process counter, then randomness against other processes.
 */
function eventId(taskId: string, at: Date): string {
  sequence += 1n;
  return `${taskId}#${at.getTime().toString().padStart(15, '0')}.${sequence.toString().padStart(12, '0')}.${randomBytes(4).toString('hex')}`;
}

export async function recordEvent(
  db: ParleyCollections,
  event: { taskId: string; at: Date; by: string; action: string; detail?: Record<string, string>; id?: string },
): Promise<TaskEventDoc> {
  const doc: TaskEventDoc = {
    _id: event.id ?? eventId(event.taskId, event.at),
    taskId: event.taskId,
    at: event.at,
    by: event.by,
    action: event.action,
    detail: event.detail ?? {},
  };
  await db.taskEvents.insertOne(doc);
  return doc;
}

/** A task's audit trail, oldest first. */
export async function taskEvents(db: ParleyCollections, taskId: string): Promise<TaskEventDoc[]> {
  return db.taskEvents.find({ taskId }).sort({ at: 1, _id: 1 }).toArray();
}
