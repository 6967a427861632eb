import { DEFAULT_TASK_CLAIM_MS, DEFAULT_TASK_TARGET_MINUTES, type Config } from '../config.ts';

/** The task queue's settings (config.tasks); functions take them last, with the documented defaults. */
export type TaskSettings = Config['tasks'];

export const DEFAULT_TASK_SETTINGS: TaskSettings = Object.freeze({
  targetMinutes: DEFAULT_TASK_TARGET_MINUTES,
  claimMs: DEFAULT_TASK_CLAIM_MS,
});

/** The least urgent target, for a priority the settings don't list. */
const FALLBACK_MINUTES = 24 * 60;

/** When a task of this priority queued at `createdAt` should have been answered. */
export function taskDueAt(
  priority: number,
  createdAt: Date,
  targetMinutes: TaskSettings['targetMinutes'] = DEFAULT_TASK_TARGET_MINUTES,
): Date {
  const minutes = targetMinutes[priority] ?? FALLBACK_MINUTES;
  return new Date(createdAt.getTime() + minutes * 60_000);
}
