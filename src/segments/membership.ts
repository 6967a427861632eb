import { enrollStoredContacts, stopChange } from '../enrollments/index.ts';
import { enrollmentStore, segmentChangeStore, type ParleyCollections, type SegmentChangeDoc } from '../db/index.ts';
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

export interface PendingChange {
  change: MembershipChange;
  /** The contact's newest change in the segment, as read before deciding. */
  current: SegmentMembership | undefined;
}

export interface BatchEffects {
  /** Per pending change: whether this call recorded it. */
  recorded: boolean[];
  enrolled: number;
  stopped: number;
}

/**
 * Records entries and exits (each after `current`, the contact's newest change in the segment)
 * and carries out what they mean for the sequences whose audience is the segment. The sequences
 * come first: enrolling is idempotent (unique per contact, sequence and round) and so is stopping,
 * so a batch cut off before its insert leaves its changes unrecorded, and the next refresh does
 * their sequence work again and records them; nothing is lost. Inserting change number n
 * (`<segment>:<contact>#n`) then records each once, however many refreshes run at once: a change
 * another refresh recorded first fails as a duplicate and is not counted. One write per sequence
 * and one for the changes instead of one per change: on FerretDB every write is a SQLite
 * transaction of its own.
 */
export async function recordMembershipChanges(
  db: ParleyCollections,
  pending: readonly PendingChange[],
  sequences: readonly Sequence[],
  now: Date,
): Promise<BatchEffects> {
  const docs = pending.map(({ change, current }) => changeDoc(change, current, now));
  const due = pending.flatMap(({ change }, i) => {
    const doc = docs[i];
    return doc ? [{ change, entries: doc.entries }] : [];
  });
  let enrolled = 0;
  let stopped = 0;
  for (const sequence of sequences) {
    const { audience } = sequence;
    const ours = due.filter(({ change }) => audience.segment === change.segment.id);
    const entering = ours.filter(({ change }) => change.entering);
    if (entering.length > 0) {
      const entries = entering.map(({ change, entries }) => ({
        contact: change.contact,
        origin: {
          round: audience.reenter ? entries : 1,
          source: { kind: 'segment' as const, segmentId: change.segment.id },
          ...(change.context && { context: change.context }),
        },
      }));
      enrolled += await enrollStoredContacts(db, sequence, entries, now);
    }
    const leaving = ours.filter(({ change }) => !change.entering);
    if (leaving.length > 0 && audience.onExit === 'stop' && audience.segment !== undefined)
      stopped += await stopEnrollments(
        db,
        sequence.id,
        audience.segment,
        leaving.map(({ change }) => change.contact._id),
        now,
      );
  }
  const written = docs.flatMap((doc, i) => (doc ? [{ doc, i }] : []));
  const results = await segmentChangeStore(db).recordEach(written.map(({ doc }) => doc));
  const recorded = pending.map(() => false);
  // A duplicate: another refresh recorded change n first; what it did to the sequences is what we did.
  written.forEach(({ i }, k) => (recorded[i] = results[k] === 'recorded'));
  return { recorded, enrolled, stopped };
}

/** The change document that records `change` after `current`: number n + 1; none when the contact already stands so. */
function changeDoc(change: MembershipChange, current: SegmentMembership | undefined, now: Date): SegmentChangeDoc | undefined {
  const { segment, contact, entering } = change;
  if ((current?.member ?? false) === entering) return undefined;
  const n = (current?.n ?? 0) + 1;
  return {
    _id: `${membershipKey(segment.id, contact._id)}#${n}`,
    segmentId: segment.id,
    contactId: contact._id,
    n,
    change: entering ? 'entered' : 'exited',
    member: entering,
    entries: (current?.entries ?? 0) + (entering ? 1 : 0),
    at: now,
    reason: change.reason,
    ...(entering && change.context && { context: change.context }),
  };
}

/** Stops the running and paused enrollments of these contacts in the sequence, because they left the segment; how many it stopped. */
async function stopEnrollments(
  db: ParleyCollections,
  sequenceId: string,
  segmentId: string,
  contactIds: readonly string[],
  now: Date,
): Promise<number> {
  const stop = stopChange({ kind: 'stopped', cause: 'segment_exit', reason: `left segment ${segmentId}` }, now);
  return enrollmentStore(db).applyToContacts(contactIds, stop, { sequenceId });
}
