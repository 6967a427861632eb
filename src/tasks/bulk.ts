import { taskStore, type ParleyCollections, type RepDoc } from '../db/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { claimTask, liveClaim } from './claim.ts';
import { applyTaskOutcome, closesUnanswered } from './outcome.ts';
import { reassignTask } from './reassign.ts';
import type { TaskSettings } from './settings.ts';
import type { TaskActionResult } from './types.ts';

/** What the inbox's bulk bar (and its keyboard shortcuts) does to the selected tasks. */
export type BulkAction = { kind: 'assign'; to: string } | { kind: 'unassign' } | { kind: 'snooze'; until: Date } | { kind: 'close' };

/** Tasks one bulk action takes at most: a screenful and then some. */
export const BULK_MAX = 200;

export interface BulkResult {
  /** Tasks the action was applied to. */
  done: string[];
  /** Tasks it was not, with the reason (claimed by someone else, not the rep's, gone). */
  refused: Array<{ taskId: string; code: string; message: string }>;
}

export interface BulkOptions {
  getSequence: (id: string) => Sequence | undefined;
  now: Date;
  /** The rep said yes to closing tasks nobody has answered (bulkNeedsConfirmation). */
  confirmed?: boolean | undefined;
  taskSettings?: Pick<TaskSettings, 'claimMs'> | undefined;
}

/**
 * Why closing these tasks needs a yes first: how many of them nobody has answered. Undefined when
 * the action is not a close or every task was answered.
 */
export async function bulkNeedsConfirmation(
  db: ParleyCollections,
  ids: readonly string[],
  action: BulkAction,
): Promise<string | undefined> {
  if (action.kind !== 'close') return undefined;
  const tasks = taskStore(db);
  let unanswered = 0;
  for (const id of ids.slice(0, BULK_MAX)) {
    const task = await tasks.get(id);
    if (task && task.status !== 'done' && closesUnanswered(task, { kind: 'done' })) unanswered++;
  }
  if (unanswered === 0) return undefined;
  return `Close ${ids.length} task${ids.length === 1 ? '' : 's'}? ${unanswered} of them ${unanswered === 1 ? 'has' : 'have'} no answer yet: those people hear nothing from us.`;
}

/**
 * Applies one action to each task, as the rep could one by one: the same checks (who may see it,
 * who holds it) and the same audit events. A rep takes a task for themselves by claiming it
 * (only admins assign to others); snoozing or closing claims it first when nobody else holds it.
 */
export async function bulkTaskAction(
  db: ParleyCollections,
  rep: RepDoc,
  ids: readonly string[],
  action: BulkAction,
  options: BulkOptions,
): Promise<BulkResult> {
  const result: BulkResult = { done: [], refused: [] };
  for (const taskId of [...new Set(ids)].slice(0, BULK_MAX)) {
    const outcome = await applyOne(db, rep, taskId, action, options);
    if (outcome.ok) result.done.push(taskId);
    else result.refused.push({ taskId, code: outcome.code, message: outcome.message });
  }
  return result;
}

async function applyOne(
  db: ParleyCollections,
  rep: RepDoc,
  taskId: string,
  action: BulkAction,
  options: BulkOptions,
): Promise<TaskActionResult> {
  const { now } = options;
  if (action.kind === 'unassign') return reassignTask(db, taskId, rep, undefined, now);
  if (action.kind === 'assign') {
    if (rep.role === 'admin') return reassignTask(db, taskId, rep, action.to === 'me' ? rep._id : action.to, now);
    if (action.to !== 'me' && action.to !== rep._id)
      return { ok: false, code: 'forbidden', message: 'Only an admin can give a task to someone else; take it yourself or ask one.' };
    return claimTask(db, taskId, rep, now, options.taskSettings);
  }
  if (rep.role !== 'admin' && (await liveClaim(db, taskId, now))?.by !== rep._id) {
    const claimed = await claimTask(db, taskId, rep, now, options.taskSettings);
    if (!claimed.ok) return claimed;
  }
  const outcome = action.kind === 'snooze' ? { kind: 'snooze' as const, until: action.until } : { kind: 'done' as const };
  return applyTaskOutcome(db, taskId, rep, outcome, { getSequence: options.getSequence, now, confirmed: options.confirmed });
}
