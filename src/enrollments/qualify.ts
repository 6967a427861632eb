import { contactStore, type ParleyCollections } from '../db/index.ts';
import { OWN_EVENTS, recordOwnEvent } from '../events/index.ts';

/**
 * Marks the contact qualified (the first time stays) and records the `qualified` event that the
 * metrics count as pipeline. `by`: 'parley' for a reply's outcome, else the rep.
 */
export async function markQualified(
  db: Pick<ParleyCollections, 'contacts' | 'events' | 'rollupQueue' | 'statsQueue' | 'webhookQueue'>,
  input: { contactId: string; sequenceId: string; enrollmentId: string; replyId: string; by: string; now: Date },
): Promise<void> {
  const { contactId, sequenceId, replyId, now } = input;
  await contactStore(db).markQualified(contactId, { at: now, sequenceId, replyId }, now);
  await recordOwnEvent(db, {
    type: OWN_EVENTS.qualified,
    key: contactId,
    contactId,
    at: now,
    sequenceId,
    enrollmentId: input.enrollmentId,
    props: { by: input.by },
  });
}
