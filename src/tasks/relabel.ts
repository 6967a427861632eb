import { taskStore, type ParleyCollections, type RepDoc } from '../db/index.ts';
import { isParleyError } from '../errors.ts';
import { isIntent } from '../classify/index.ts';
import { relabelReply } from '../learning/index.ts';
import { recordEvent } from './events.ts';
import { canSee } from './list.ts';
import { noSuchTask, refuse, type TaskActionResult } from './types.ts';

/** A rep corrects the reply's intent: stored on the reply for the next training, and on the task. */
export async function relabelTask(
  db: ParleyCollections,
  taskId: string,
  rep: RepDoc,
  intent: string,
  now = new Date(),
): Promise<TaskActionResult> {
  const tasks = taskStore(db);
  const task = await tasks.get(taskId);
  if (!task || !canSee(rep, task)) return noSuchTask(taskId);
  if (!isIntent(intent)) return refuse('invalid', `"${intent}" is not an intent.`);
  try {
    await relabelReply(db, task.replyId, intent, rep._id, now);
  } catch (error) {
    if (isParleyError(error)) return refuse('invalid', error.message);
    throw error;
  }
  await tasks.relabel(taskId, intent);
  await recordEvent(db, { taskId, at: now, by: rep._id, action: 'relabeled', detail: { from: task.intent, to: intent } });
  return { ok: true, task: { ...task, intent } };
}
