import type { TaskDoc, TaskStatus } from '../db/index.ts';

export interface TaskFilter {
  status?: TaskStatus | undefined;
  intent?: string | undefined;
  assignee?: string | undefined;
  /** A sequence id ('' for triage tasks, which have none yet). */
  sequenceId?: string | undefined;
  /** Without a status: every status but done. */
  notDone?: boolean | undefined;
}

/** `needs_confirmation`: nothing was done; the message says what would happen, and the same action with `confirmed` does it. */
export type TaskActionCode = 'not_found' | 'forbidden' | 'claimed_by_other' | 'not_claimed' | 'invalid' | 'needs_confirmation';

/** What a rep's action on a task came to: expected refusals are values, not exceptions. */
export type TaskActionResult = { ok: true; task: TaskDoc } | { ok: false; code: TaskActionCode; message: string };

export const refuse = (code: TaskActionCode, message: string): TaskActionResult => ({ ok: false, code, message });

/**
 * The answer for a task that does not exist, and the same, word for word, for one the rep may not
 * view: a refusal must not tell who holds or owns a task the rep cannot see, nor that it exists.
 */
export const noSuchTask = (taskId: string): TaskActionResult =>
  refuse('not_found', `No task ${taskId}; list yours with \`parley tasks list\`.`);

export const TASK_STATUSES = ['open', 'claimed', 'answered', 'snoozed', 'done'] as const satisfies readonly TaskStatus[];
