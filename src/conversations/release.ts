import { conversationStore, type ParleyCollections } from '../db/index.ts';
import { changeEnrollment } from '../enrollments/index.ts';

/**
 * A conversation of this contact ended (a rep closed its task): their held steps are due now. The
 * sender decides again as they come up (another conversation still open holds them once more; the
 * send window and caps apply), so this is a nudge, never a send: a lost release costs at most
 * HOLD_RECHECK_MS. Returns how many steps were brought forward.
 */
export async function releaseHeldSteps(db: ParleyCollections, contactId: string, now: Date): Promise<number> {
  const held = await conversationStore(db).heldEnrollments(contactId);
  let released = 0;
  for (const enrollment of held) {
    if (!enrollment.held) continue;
    const result = await changeEnrollment(db, enrollment, { kind: 'hold_released', stepId: enrollment.held.stepId }, now);
    if (result.ok && result.landed) released += 1;
  }
  return released;
}
