import type { ContactDoc, Suppression, SuppressionEntryDoc } from './documents.ts';

/** The register entry's key: time first, so `_id` order is time order; the same for every redo of one suppression. */
export const suppressionEntryId = (contactId: string, at: Date): string => `${at.toISOString()}~${contactId}`;

/** The audit entry's key for lifting this suppression: one lift per suppression, whoever tries. */
export const liftAuditId = (contactId: string, at: Date): string => `lift:${contactId}:${at.toISOString()}`;

/** The register entry of a contact's stored suppression. */
export function suppressionEntryOf(
  contact: Pick<ContactDoc, '_id' | 'email'>,
  suppression: Suppression,
  evidence: Pick<SuppressionEntryDoc, 'bounce' | 'eventId'> = {},
): SuppressionEntryDoc {
  return {
    _id: suppressionEntryId(contact._id, suppression.at),
    contactId: contact._id,
    email: contact.email,
    reason: suppression.reason,
    at: suppression.at,
    ...(suppression.source !== undefined && { source: suppression.source }),
    ...(suppression.replyId !== undefined && { replyId: suppression.replyId }),
    ...(evidence.eventId !== undefined && { eventId: evidence.eventId }),
    ...(evidence.bounce !== undefined && { bounce: evidence.bounce }),
  };
}
