import type { EnrollmentDoc, ParleyCollections } from '../db/index.ts';
import type { InboundMessage } from './inbound-message.ts';

export interface EnrollmentMatch {
  enrollment: EnrollmentDoc;
  matchedBy: 'thread' | 'sender';
  /** The step the reply answers: the one its thread headers name, else the last step sent. */
  stepId: string | undefined;
}

/**
 * Finds the enrollment a reply answers: by the thread headers first (In-Reply-To, References name
 * a Message-ID Parley sent), by the sender's address when a client dropped them.
 */
export async function matchEnrollment(db: ParleyCollections, message: InboundMessage): Promise<EnrollmentMatch | undefined> {
  const threadIds = [...new Set([message.inReplyTo, ...message.references].filter((id): id is string => Boolean(id)))];
  if (threadIds.length > 0) {
    const delivery = await db.deliveries.findOne({ messageId: { $in: threadIds } });
    const enrollment = delivery && (await db.enrollments.findOne({ _id: delivery.enrollmentId }));
    if (enrollment) return { enrollment, matchedBy: 'thread', stepId: delivery.stepId };
  }
  const [latest] = await db.enrollments
    .find({ email: message.from, status: { $in: ['active', 'paused', 'completed'] } })
    .sort({ updatedAt: -1 })
    .limit(1)
    .toArray();
  return latest ? { enrollment: latest, matchedBy: 'sender', stepId: latest.passedStepIds.at(-1) } : undefined;
}

/** Parley's own mail in the mailbox (a sent copy, a bcc): never a reply. */
export async function isOwnMessage(db: ParleyCollections, message: InboundMessage, ownAddresses: ReadonlySet<string>): Promise<boolean> {
  if (ownAddresses.has(message.from)) return true;
  if (!message.messageId) return false;
  return (await db.deliveries.countDocuments({ messageId: message.messageId }, { limit: 1 })) > 0;
}
