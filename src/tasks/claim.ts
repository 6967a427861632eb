import { randomUUID } from 'node:crypto';
import { taskStore, type ParleyCollections, type RepDoc, type TaskClaimDoc, type TaskDoc } from '../db/index.ts';
import { recordEvent } from './events.ts';
import { canSee } from './list.ts';
import { DEFAULT_TASK_SETTINGS, type TaskSettings } from './settings.ts';
import { refuse, type TaskActionResult } from './types.ts';

/** The newest claim on the task when it has not run out. */
export async function liveClaim(db: ParleyCollections, taskId: string, now: Date): Promise<TaskClaimDoc | undefined> {
  const latest = await taskStore(db).claims.newest(taskId);
  return latest && latest.until > now ? latest : undefined;
}

const untilText = (claim: TaskClaimDoc) => `${claim.by} is working on this task until ${claim.until.toISOString()}`;

/**
 * Claims a task for a rep for `settings.claimMs`. The claim is the insert of `<taskId>#<n>` with n
 * one past the newest claim: two reps racing for the same n get one success and one duplicate key,
 * so they never both hold it (an update filter could not promise that on FerretDB v1).
 * Claiming a task one already holds renews nothing and succeeds.
 */
export async function claimTask(
  db: ParleyCollections,
  taskId: string,
  rep: RepDoc,
  now = new Date(),
  settings: Pick<TaskSettings, 'claimMs'> = DEFAULT_TASK_SETTINGS,
): Promise<TaskActionResult> {
  const tasks = taskStore(db);
  const task = await tasks.get(taskId);
  if (!task) return refuse('not_found', `No task ${taskId}; list yours with \`parley tasks list\`.`);
  if (!canClaim(rep, task))
    return refuse('forbidden', `Task ${taskId} is assigned to ${task.assignee ?? 'someone else'}; an admin can reassign it.`);
  if (task.status === 'done') return refuse('invalid', 'This task is done; nothing left to claim.');
  // Another rep taking the same number at once makes takeNext look again at who holds it.
  const result = await tasks.claims.takeNext(taskId, {
    held: (latest) => latest.until > now,
    make: ({ _id, n }): TaskClaimDoc => ({
      _id,
      taskId,
      claimNumber: n,
      claimId: randomUUID(),
      by: rep._id,
      claimedAt: now,
      until: new Date(now.getTime() + settings.claimMs),
    }),
  });
  if ('lost' in result) return refuse('claimed_by_other', 'Another rep claimed this task at the same moment; pick another task.');
  if ('heldBy' in result) {
    if (result.heldBy.by === rep._id) return { ok: true, task };
    return refuse('claimed_by_other', `${untilText(result.heldBy)}; pick another task or ask them.`);
  }
  const claim = result.taken;
  const status = task.status === 'open' || task.status === 'snoozed' ? 'claimed' : task.status;
  const mirror = { by: claim.by, until: claim.until, claimId: claim.claimId };
  await tasks.markClaimed(taskId, mirror, status);
  await recordEvent(db, {
    taskId,
    at: now,
    by: rep._id,
    action: 'claimed',
    detail: { until: claim.until.toISOString(), claimNumber: String(claim.claimNumber) },
  });
  const { snoozedUntil: _snoozed, ...rest } = task;
  return { ok: true, task: { ...rest, claim: mirror, status } };
}

/** A rep may claim what is theirs or nobody's, and claims they held; admins anything. */
function canClaim(rep: RepDoc, task: TaskDoc): boolean {
  return canSee(rep, task) || (rep.role === 'rep' && task.assignee === undefined);
}

/**
 * Whether the rep may act on the task now: they hold its live claim (admins may act without one
 * when `adminOverride`). The refusal says who holds it.
 */
export async function checkClaim(
  db: ParleyCollections,
  task: TaskDoc,
  rep: RepDoc,
  now: Date,
  adminOverride: boolean,
): Promise<TaskActionResult> {
  const claim = await liveClaim(db, task._id, now);
  if (claim?.by === rep._id) return { ok: true, task };
  if (adminOverride && rep.role === 'admin') return { ok: true, task };
  if (claim) return refuse('claimed_by_other', `${untilText(claim)}; ask them, or wait until the claim runs out.`);
  return refuse('not_claimed', 'Claim the task first (`parley tasks claim <id> --as <you>`); claims run out after a while.');
}
