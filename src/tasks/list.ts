import { taskStore, type ParleyCollections, type RepDoc, type TaskDoc, type TaskQuery, type TaskStatus } from '../db/index.ts';
import { recordEvent } from './events.ts';
import { TASK_STATUSES, type TaskFilter } from './types.ts';

/**
 * A rep sees the tasks assigned to them, unassigned open ones (anyone may take them), and
 * unassigned ones they claimed; an admin sees all. The task store's `visible` reads are the same
 * rule as a filter (src/db/task-store.ts): change both.
 */
export function canSee(viewer: RepDoc, task: TaskDoc): boolean {
  if (viewer.role === 'admin') return true;
  if (task.assignee !== undefined) return task.assignee === viewer._id;
  return task.status === 'open' || task.claim?.by === viewer._id;
}

/**
 * Wakes snoozed tasks whose time came and reopens claimed ones whose claim ran out. Each write is
 * conditional on the state it changes, so concurrent refreshes at worst both write an event.
 */
export async function refreshTasks(db: ParleyCollections, now = new Date()): Promise<number> {
  const tasks = taskStore(db);
  let changed = 0;
  for (const task of await tasks.snoozedUntil(now)) {
    if (await tasks.wake(task._id)) {
      changed++;
      await recordEvent(db, { taskId: task._id, at: now, by: 'parley', action: 'woke', detail: {} });
    }
  }
  for (const task of await tasks.claimRunOut(now)) {
    if (await tasks.reopenExpired(task._id, now)) {
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
  const query: TaskQuery = {
    status: filter.status,
    // An intent that is no intent matches nothing, as before: the store compares it as given.
    intent: filter.intent as TaskDoc['intent'] | undefined,
    assignee: filter.assignee?.toLowerCase(),
    sequenceId: filter.sequenceId,
    notDone: filter.notDone,
  };
  return taskStore(db).visible(viewer, query, LIST_LIMIT);
}

/** How many tasks the viewer sees in each status, as last refreshed (read them after listTasks, which refreshes). */
export async function taskCounts(db: ParleyCollections, viewer: RepDoc): Promise<Record<TaskStatus, number>> {
  const counts: Record<TaskStatus, number> = { open: 0, claimed: 0, answered: 0, snoozed: 0, done: 0 };
  const tasks = taskStore(db);
  for (const status of TASK_STATUSES) counts[status] = await tasks.countVisible(viewer, status);
  return counts;
}
