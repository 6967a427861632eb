import { repStore, taskStore, type ParleyCollections, type RepDoc } from '../db/index.ts';
import { recordEvent } from './events.ts';

/** Leads on duty; all leads when none is, so an escalation still reaches somebody. */
function onDutyFirst(leads: RepDoc[]): RepDoc[] {
  const onDuty = leads.filter((r) => r.onDuty);
  return onDuty.length > 0 ? onDuty : leads;
}

/**
 * Open or claimed tasks past their due time go to the lead reps, once: the event `<taskId>#escalated`
 * is inserted first, so two workers running this at once escalate each task one time.
 * Returns how many tasks were escalated now.
 */
export async function escalateOverdue(db: ParleyCollections, now = new Date()): Promise<number> {
  const tasks = taskStore(db);
  const overdue = await tasks.overdue(now);
  if (overdue.length === 0) return 0;
  const leads = onDutyFirst(await repStore(db).leads()).map((r) => r._id);
  let count = 0;
  for (const task of overdue) {
    const first = await recordEvent(db, {
      id: `${task._id}#escalated`,
      taskId: task._id,
      at: now,
      by: 'parley',
      action: 'escalated',
      detail: { to: leads.join(', '), dueAt: task.dueAt.toISOString() },
    });
    if (!first) continue;
    await tasks.markEscalated(task._id, { at: now, to: leads });
    count++;
  }
  return count;
}
