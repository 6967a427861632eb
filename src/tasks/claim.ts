import { randomUUID } from 'node:crypto';
import { taskStore, type ParleyCollections, type RepDoc, type TaskClaimDoc, type TaskDoc } from '../db/index.ts';
import { recordEvent } from './events.ts';
import { canSee } from './list.ts';
import { DEFAULT_TASK_SETTINGS, type TaskSettings } from './settings.ts';
import { noSuchTask, refuse, type TaskActionResult } from './types.ts';

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
  if (!task || !canSee(rep, asOf(task, now))) return noSuchTask(taskId);
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
    const holder = result.heldBy;
    if (holder.by === rep._id) return { ok: true, task };
    // Named only to whom the task stays visible once held (its assignee, admins); another rep who
    // lost the race to an unassigned task learns no more than that it is taken.
    const held: TaskDoc = { ...task, status: 'claimed', claim: { by: holder.by, until: holder.until, claimId: holder.claimId } };
    if (!canSee(rep, held)) return refuse('claimed_by_other', 'Another rep claimed this task; pick another task.');
    return refuse('claimed_by_other', `${untilText(holder)}; pick another task or ask them.`);
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

/**
 * The task as the rep would see it after refreshTasks: an unassigned task whose claim ran out is
 * open again, so it can be claimed before the next refresh reopens it. A rep may claim exactly
 * what they may view (theirs, open unassigned ones, ones they hold); admins anything.
 */
function asOf(task: TaskDoc, now: Date): TaskDoc {
  const runOut = task.status === 'claimed' && task.claim !== undefined && task.claim.until <= now;
  return runOut ? { ...task, status: 'open' } : task;
}

/**
 * Whether the rep may act on the task now: they hold its live claim (admins may act without one
 * when `adminOverride`). The refusal says who holds it, to a rep who may view the task; for
 * anyone else the task does not exist.
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
  if (!canSee(rep, task)) return noSuchTask(task._id);
  if (adminOverride && rep.role === 'admin') return { ok: true, task };
  if (claim) return refuse('claimed_by_other', `${untilText(claim)}; ask them, or wait until the claim runs out.`);
  return refuse('not_claimed', 'Claim the task first (`parley tasks claim <id> --as <you>`); claims run out after a while.');
}
