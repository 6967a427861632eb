import type { DocumentFilter, ParleyCollections, RepDoc, TaskDoc, TaskStatus } from '../db/index.ts';
import { recordEvent } from './events.ts';
import { TASK_STATUSES, type TaskFilter } from './types.ts';

/**
 * A rep sees the tasks assigned to them, unassigned open ones (anyone may take them), and
 * unassigned ones they claimed; an admin sees all.
 */
export function canSee(viewer: RepDoc, task: TaskDoc): boolean {
  if (viewer.role === 'admin') return true;
  if (task.assignee !== undefined) return task.assignee === viewer._id;
  return task.status === 'open' || task.claim?.by === viewer._id;
}

function visibleFilter(viewer: RepDoc): DocumentFilter<TaskDoc> {
  if (viewer.role === 'admin') return {};
  return {
    $or: [{ assignee: viewer._id }, { assignee: { $exists: false }, status: 'open' }, { assignee: { $exists: false }, 'claim.by': viewer._id }],
  };
}

/**
 * Wakes snoozed tasks whose time came and reopens claimed ones whose claim ran out. Each write is
 * conditional on the state it changes, so concurrent refreshes at worst both write an event.
 */
export async function refreshTasks(db: ParleyCollections, now = new Date()): Promise<number> {
  let changed = 0;
  for (const task of await db.tasks.find({ status: 'snoozed', snoozedUntil: { $lte: now } }).toArray()) {
    const result = await db.tasks.updateOne({ _id: task._id, status: 'snoozed' }, { $set: { status: 'open' }, $unset: { snoozedUntil: '' } });
    if (result.modifiedCount > 0) {
      changed++;
      await recordEvent(db, { taskId: task._id, at: now, by: 'parley', action: 'woke', detail: {} });
    }
  }
  for (const task of await db.tasks.find({ status: 'claimed', 'claim.until': { $lte: now } }).toArray()) {
    const result = await db.tasks.updateOne({ _id: task._id, status: 'claimed', 'claim.until': { $lte: now } }, { $set: { status: 'open' } });
    if (result.modifiedCount > 0) {
      changed++;
      await recordEvent(db, { taskId: task._id, at: now, by: 'parley', action: 'claim_expired', detail: { by: task.claim?.by ?? '' } });
    }
  }
  return changed;
}

/** Most tasks one list returns; the queue is worked from the top. */
const LIST_LIMIT = 1000;

/** The tasks the viewer may see, soonest due first (at most LIST_LIMIT). */
export async function listTasks(db: ParleyCollections, viewer: RepDoc, filter: TaskFilter = {}, now = new Date()): Promise<TaskDoc[]> {
  await refreshTasks(db, now);
  const query: DocumentFilter<TaskDoc> = {
    ...visibleFilter(viewer),
    ...(filter.status !== undefined && { status: filter.status }),
    ...(filter.intent !== undefined && { intent: filter.intent as TaskDoc['intent'] }),
    ...(filter.assignee !== undefined && { assignee: filter.assignee.toLowerCase() }),
  };
  return db.tasks.find(query).sort({ dueAt: 1, _id: 1 }).limit(LIST_LIMIT).toArray();
}

/** How many tasks the viewer sees in each status. */
export async function taskCounts(db: ParleyCollections, viewer: RepDoc, now = new Date()): Promise<Record<TaskStatus, number>> {
  await refreshTasks(db, now);
  const counts: Record<TaskStatus, number> = { open: 0, claimed: 0, answered: 0, snoozed: 0, done: 0 };
  for (const status of TASK_STATUSES) counts[status] = await db.tasks.countDocuments({ ...visibleFilter(viewer), status });
  return counts;
}
