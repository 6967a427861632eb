import type { BounceVerdict } from '../classify/index.ts';
import { deliveryStore, enrollmentStore, repStore, type EnrollmentDoc, type ParleyCollections } from '../db/index.ts';
import { parseStepMessageId } from '../sending/index.ts';
import type { InboundMessage } from './inbound-message.ts';

export interface EnrollmentMatch {
  enrollment: EnrollmentDoc;
  matchedBy: 'thread' | 'bounce' | 'sender';
  /** The step the message answers (or that bounced): the one its headers name, else the last step sent. */
  stepId: string | undefined;
}

/**
 * Finds the enrollment a message belongs to. A bounce belongs to the enrollment whose message it
 * returns (its Message-ID), and to no other; a reply
 * names Parley's messages in In-Reply-To and References; when a client dropped those, the sender's
 * address is the fallback.
 */
export async function matchEnrollment(
  db: ParleyCollections,
  message: InboundMessage,
  bounce: BounceVerdict | undefined,
): Promise<EnrollmentMatch | undefined> {
  if (bounce) {
    // Only a report that returns a message Parley sent counts, and it acts on that message's
    // enrollment, whatever address it names (an alias may report the address it forwarded to).
    // Anyone can write a report naming any address: one that acted on the address alone
    // suppressed whoever it named.
    const found = await byMessageIds(db, [bounce.originalMessageId]);
    return found ? { ...found, matchedBy: 'bounce' } : undefined;
  }
  const found = await byMessageIds(db, [message.inReplyTo, ...message.references]);
  if (found) return { ...found, matchedBy: 'thread' };
  return latestFor(db, message.from, 'sender');
}

async function byMessageIds(db: ParleyCollections, ids: ReadonlyArray<string | undefined>) {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (wanted.length === 0) return undefined;
  // Our own step Message-IDs name their enrollment: one lookup by _id. The newest reference first,
  // as the In-Reply-To comes first.
  for (const id of wanted) {
    const named = parseStepMessageId(id);
    const enrollment = named && (await enrollmentStore(db).get(named.enrollmentId));
    if (enrollment) return { enrollment, stepId: named.stepId };
  }
  const delivery = await deliveryStore(db).withMessageId(wanted);
  const enrollment = delivery && (await enrollmentStore(db).get(delivery.enrollmentId));
  if (enrollment) return { enrollment, stepId: delivery.stepId };
  // A rep's answer to a task (rep_messages) continues the same thread.
  const answer = await repStore(db).answerWithMessageId(wanted);
  const answered = answer && (await enrollmentStore(db).get(answer.enrollmentId));
  return answered ? { enrollment: answered, stepId: answered.passedStepIds.at(-1) } : undefined;
}

async function latestFor(
  db: ParleyCollections,
  email: string,
  matchedBy: EnrollmentMatch['matchedBy'],
): Promise<EnrollmentMatch | undefined> {
  const latest = await enrollmentStore(db).latestOfAddress(email);
  return latest ? { enrollment: latest, matchedBy, stepId: latest.passedStepIds.at(-1) } : undefined;
}

/** Parley's own mail in the mailbox (a sent copy, a bcc): never a reply. */
export async function isOwnMessage(db: ParleyCollections, message: InboundMessage, ownAddresses: ReadonlySet<string>): Promise<boolean> {
  if (ownAddresses.has(message.from)) return true;
  if (!message.messageId) return false;
  // Only a Message-ID of our steps' shape can be one of ours: others skip the lookup.
  if (!parseStepMessageId(message.messageId)) return false;
  return deliveryStore(db).isOurs(message.messageId);
}
