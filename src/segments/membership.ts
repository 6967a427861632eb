import { enrollContact, enrollStoredContacts, stopChange } from '../enrollments/index.ts';
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
  const doc = changeDoc(change, current, now);
  if (!doc) return NOTHING;
  const effects = await applyToAudiences(db, change, doc.entries, sequences, now);
  // A duplicate: another refresh recorded change n first; what it did to the sequences is what we did.
  return { recorded: (await segmentChangeStore(db).record(doc)) === 'recorded', ...effects };
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
 * recordMembershipChange for many changes at once (a slice of the full refresh), with the same
 * guarantees: what the changes mean for the sequences is done first (idempotent: the enrollments'
 * unique index, stops that find nothing left to stop), and only then are the changes inserted,
 * each by its number. A change another refresh recorded first fails as a duplicate and is not
 * counted; a batch cut off before its insert leaves its changes unrecorded, and the next refresh
 * does their sequence work again and records them. One write per sequence and one for the changes
 * instead of one per change: on FerretDB every write is a SQLite transaction of its own.
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
        origin: { round: audience.reenter ? entries : 1, source: { kind: 'segment' as const, segmentId: change.segment.id }, ...(change.context && { context: change.context }) },
      }));
      enrolled += await enrollStoredContacts(db, sequence, entries, now);
    }
    const leaving = ours.filter(({ change }) => !change.entering);
    if (leaving.length > 0 && audience.onExit === 'stop' && audience.segment !== undefined) stopped += await stopEnrollments(db, sequence.id, audience.segment, leaving.map(({ change }) => change.contact._id), now);
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
      stopped += await stopEnrollments(db, sequence.id, change.segment.id, [change.contact._id], now);
    }
  }
  return { enrolled, stopped };
}

/** Stops the running and paused enrollments of these contacts in the sequence, because they left the segment; how many it stopped. */
async function stopEnrollments(db: ParleyCollections, sequenceId: string, segmentId: string, contactIds: readonly string[], now: Date): Promise<number> {
  const stop = stopChange({ kind: 'stopped', cause: 'segment_exit', reason: `left segment ${segmentId}` }, now);
  return enrollmentStore(db).applyToContacts(contactIds, stop, { sequenceId });
}
