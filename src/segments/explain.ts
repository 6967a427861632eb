import { contactStore, type ParleyCollections } from '../db/index.ts';
import { explainSegment } from './evaluate.ts';
import { loadContactFacts } from './facts.ts';
import { membershipKey, readMemberships, type SegmentMembership } from './memberships.ts';
import type { RuleExplanation, Segment } from './types.ts';

export interface SegmentVerdict {
  segment: Segment;
  /** Evaluated now, from the contact's current facts. */
  explanation: RuleExplanation;
  /** What is stored (it can lag the live verdict until the next event pass or refresh). */
  membership: SegmentMembership | undefined;
}

/** Why a contact is in or out of each segment, now; undefined when no contact has the address. */
export async function explainContact(
  db: ParleyCollections,
  email: string,
  segments: readonly Segment[],
  now: Date,
): Promise<SegmentVerdict[] | undefined> {
  const contact = await contactStore(db).segmentContactByEmail(email.trim().toLowerCase());
  if (!contact) return undefined;
  const facts = (await loadContactFacts(db, [contact], segments, now)).get(contact._id);
  if (!facts) return undefined;
  const memberships = await readMemberships(db, { contactIds: [contact._id] });
  return segments.map((segment) => ({
    segment,
    explanation: explainSegment(segment, facts),
    membership: memberships.get(membershipKey(segment.id, contact._id)),
  }));
}
