import { randomBytes } from 'node:crypto';
import { taskStore, type ParleyCollections, type TaskEventDoc } from '../db/index.ts';

let sequence = 0n;
/**
 * Event ids sort in the order this process wrote them (after `at`, which sorts first): time in
 * milliseconds, a per-process counter, then randomness against other processes.
 */
function eventId(taskId: string, at: Date): string {
  sequence += 1n;
  return `${taskId}#${at.getTime().toString().padStart(15, '0')}.${sequence.toString().padStart(12, '0')}.${randomBytes(4).toString('hex')}`;
}

/**
 * Appends an event to a task's audit trail. Give `id` for an event that happens once per task:
 * false then means it was recorded already (ids made here never collide).
 */
export async function recordEvent(
  db: ParleyCollections,
  event: { taskId: string; at: Date; by: string; action: string; detail?: Record<string, string>; id?: string },
): Promise<boolean> {
  const doc: TaskEventDoc = {
    _id: event.id ?? eventId(event.taskId, event.at),
    taskId: event.taskId,
    at: event.at,
    by: event.by,
    action: event.action,
    detail: event.detail ?? {},
  };
  return (await taskStore(db).appendEvent(doc)) === 'appended';
}

/** A task's audit trail, oldest first. */
export async function taskEvents(db: ParleyCollections, taskId: string): Promise<TaskEventDoc[]> {
  return taskStore(db).events(taskId);
}
