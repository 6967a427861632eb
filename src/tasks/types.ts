import type { TaskDoc, TaskStatus } from '../db/index.ts';

export interface TaskFilter {
  status?: TaskStatus | undefined;
  intent?: string | undefined;
  assignee?: string | undefined;
}

export type TaskActionCode = 'not_found' | 'forbidden' | 'claimed_by_other' | 'not_claimed' | 'invalid';

/** What a rep's action on a task came to: expected refusals are values, not exceptions. */
export type TaskActionResult = { ok: true; task: TaskDoc } | { ok: false; code: TaskActionCode; message: string };

export const refuse = (code: TaskActionCode, message: string): TaskActionResult => ({ ok: false, code, message });

export const TASK_STATUSES = ['open', 'claimed', 'answered', 'snoozed', 'done'] as const satisfies readonly TaskStatus[];
