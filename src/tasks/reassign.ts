import { repStore, taskStore, type ParleyCollections, type RepDoc, type TaskClaimDoc } from '../db/index.ts';
import { liveClaim } from './claim.ts';
import { recordEvent } from './events.ts';
import { noSuchTask, refuse, type TaskActionResult } from './types.ts';

/**
 * Ends a live claim by taking the next claim slot with no time left: the newest slot is the
 * state (numbered slots are never updated), so the task is free at once.
 */
async function releaseClaim(db: ParleyCollections, taskId: string, now: Date): Promise<void> {
  if (!(await liveClaim(db, taskId, now))) return;
  await taskStore(db).claims.takeNext(taskId, {
    make: ({ _id, n }): TaskClaimDoc => ({
      _id,
      taskId,
      claimNumber: n,
      claimId: `released-${n}`,
      by: 'parley',
      claimedAt: now,
      until: now,
    }),
  });
}

/**
 * An admin gives a task to another rep (`to`), or back to the pool (`to` undefined). A claim held
 * by someone else is released so the new assignee can claim it. One audit event, `reassigned`.
 */
export async function reassignTask(
  db: ParleyCollections,
  taskId: string,
  admin: RepDoc,
  to: string | undefined,
  now = new Date(),
): Promise<TaskActionResult> {
  if (admin.role !== 'admin') return refuse('forbidden', 'Only an admin can reassign a task; ask one.');
  const tasks = taskStore(db);
  const task = await tasks.get(taskId);
  if (!task) return noSuchTask(taskId);
  if (task.status === 'done') return refuse('invalid', 'This task is done; there is nothing left to reassign.');
  const target = to?.trim().toLowerCase() || undefined;
  if (target !== undefined) {
    const rep = await repStore(db).get(target);
    if (!rep) return refuse('invalid', `No rep ${target}; see \`parley reps list\`.`);
  }
  const claim = await liveClaim(db, taskId, now);
  // The new assignee keeps a claim of theirs; anyone else's is released.
  const keepClaim = claim !== undefined && claim.by === target;
  if (!keepClaim) {
    await releaseClaim(db, taskId, now);
    await tasks.assign(taskId, undefined);
  }
  if (target !== undefined) await tasks.assign(taskId, target);
  await recordEvent(db, {
    taskId,
    at: now,
    by: admin._id,
    action: 'reassigned',
    detail: { from: task.assignee ?? 'unassigned', to: target ?? 'unassigned' },
  });
  const { claim: _claim, assignee: _assignee, ...rest } = task;
  if (keepClaim) return { ok: true, task: { ...task, assignee: target } };
  const status = task.status === 'claimed' ? 'open' : task.status;
  return { ok: true, task: { ...rest, status, ...(target !== undefined && { assignee: target }) } };
}

/**
 * A removed rep's work goes back to the pool: every task not done that is assigned to them or
 * claimed by them becomes unassigned, claims released. Returns the task ids.
 */
export async function returnTasksToPool(db: ParleyCollections, rep: string, by: string, now = new Date()): Promise<string[]> {
  const tasks = taskStore(db);
  const held = await tasks.heldBy(rep);
  for (const task of held) {
    await releaseClaim(db, task._id, now);
    await tasks.assign(task._id, undefined);
    await recordEvent(db, { taskId: task._id, at: now, by, action: 'returned_to_pool', detail: { from: rep } });
  }
  return held.map((t) => t._id);
}
