import { enrollContact } from '../enrollments/index.ts';
import { isDuplicateKey, type ParleyCollections, type SegmentChangeDoc } from '../db/index.ts';
import type { Sequence } from '../sequences/index.ts';
import type { FactsContact } from './facts.ts';
import { membershipKey, type SegmentMembership } from './memberships.ts';
import type { Segment } from './types.ts';

export interface MembershipChange {
  segment: Segment;
  contact: FactsContact;
  entering: boolean;
  reason: string;
  /** Template variables for enrollments this entry causes. */
  context: Record<string, string> | undefined;
}

export interface ChangeEffects {
  recorded: boolean;
  enrolled: number;
  stopped: number;
}

const NOTHING: ChangeEffects = { recorded: false, enrolled: 0, stopped: 0 };

/**
 * Records one entry or exit (after `current`, the contact's newest change in the segment) and
 * carries out what it means for the sequences whose audience is the segment. The sequences come
 * first: enrolling is idempotent (unique per contact, sequence and round) and so is stopping, so a
 * refresh cut off between the two finds the change unrecorded and does both again, and nothing is
 * lost. Inserting change number n (`<segment>:<contact>#n`) then records it once, however many
 * refreshes run at once.
 */
export async function recordMembershipChange(
  db: ParleyCollections,
  change: MembershipChange,
  current: SegmentMembership | undefined,
  sequences: readonly Sequence[],
  now: Date,
): Promise<ChangeEffects> {
  const { segment, contact, entering } = change;
  if ((current?.member ?? false) === entering) return NOTHING;
  const n = (current?.n ?? 0) + 1;
  const entries = (current?.entries ?? 0) + (entering ? 1 : 0);
  const effects = await applyToAudiences(db, change, entries, sequences, now);
  const doc: SegmentChangeDoc = {
    _id: `${membershipKey(segment.id, contact._id)}#${n}`,
    segmentId: segment.id,
    contactId: contact._id,
    n,
    change: entering ? 'entered' : 'exited',
    member: entering,
    entries,
    at: now,
    reason: change.reason,
    ...(entering && change.context && { context: change.context }),
  };
  try {
    await db.segmentChanges.insertOne(doc);
  } catch (error) {
    // Another refresh recorded change n first; what it did to the sequences is what we did.
    if (isDuplicateKey(error)) return { ...effects, recorded: false };
    throw error;
  }
  return { recorded: true, ...effects };
}

/** Sequences whose audience is the segment: enroll on entry (again on re-entry when allowed), stop on exit when asked to. */
async function applyToAudiences(db: ParleyCollections, change: MembershipChange, entries: number, sequences: readonly Sequence[], now: Date) {
  let enrolled = 0;
  let stopped = 0;
  for (const sequence of sequences) {
    const { audience } = sequence;
    if (audience.segment !== change.segment.id) continue;
    if (change.entering) {
      const outcome = await enrollContact(db, sequence, change.contact, now, {
        round: audience.reenter ? entries : 1,
        source: { kind: 'segment', segmentId: change.segment.id },
        ...(change.context && { context: change.context }),
      });
      if (outcome?.outcome === 'enrolled') enrolled += 1;
    } else if (audience.onExit === 'stop') {
      const result = await db.enrollments.updateMany(
        { contactId: change.contact._id, sequenceId: sequence.id, status: { $in: ['active', 'paused'] } },
        { $set: { status: 'stopped', statusReason: `left segment ${change.segment.id}`, nextStepAt: null, updatedAt: now } },
      );
      stopped += result.modifiedCount;
    }
  }
  return { enrolled, stopped };
}
