import type { ParleyCollections } from '../db/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { entryContext, explainSegment, matchesRule, shortReason } from './evaluate.ts';
import type { ContactFacts } from './evaluate.ts';
import { bulkFacts, CONTACT_PROJECTION, enrollmentsByContact, loadContactFacts, tallyEvents, type FactsContact } from './facts.ts';
import { recordMembershipChange, type ChangeEffects } from './membership.ts';
import { membershipKey, readMemberships, type SegmentMembership } from './memberships.ts';
import type { Segment } from './types.ts';

export interface RefreshReport {
  contacts: number;
  entered: number;
  exited: number;
  enrolled: number;
  stopped: number;
}

export interface RefreshInput {
  segments: readonly Segment[];
  /** The loaded sequences: those whose audience is a segment act on its changes. */
  sequences: readonly Sequence[];
  now: Date;
}

const emptyReport = (): RefreshReport => ({ contacts: 0, entered: 0, exited: 0, enrolled: 0, stopped: 0 });

function add(report: RefreshReport, entering: boolean, effects: ChangeEffects): void {
  if (effects.recorded) report[entering ? 'entered' : 'exited'] += 1;
  report.enrolled += effects.enrolled;
  report.stopped += effects.stopped;
}

/** Records an entry or exit for each segment whose verdict differs from the stored membership. */
async function applyFacts(
  db: ParleyCollections,
  contact: FactsContact,
  facts: ContactFacts,
  memberships: ReadonlyMap<string, SegmentMembership>,
  input: RefreshInput,
  report: RefreshReport,
): Promise<void> {
  const { segments, sequences, now } = input;
  for (const segment of segments) {
    const current = memberships.get(membershipKey(segment.id, contact._id));
    const explanation = explainSegment(segment, facts);
    if (explanation.ok === (current?.member ?? false)) continue;
    const context = explanation.ok ? entryContext(segment, facts) : undefined;
    const change = { segment, contact, entering: explanation.ok, reason: shortReason(explanation), context };
    const effects = await recordMembershipChange(db, change, current, sequences, now);
    add(report, explanation.ok, effects);
  }
}

/** Contacts re-evaluated per round trip on the event path. */
const BATCH = 500;

/**
 * Segment membership of these contacts brought up to date from their own events and enrollments
 * (the path for new events), a batch of contacts per query.
 */
export async function refreshContacts(db: ParleyCollections, contactIds: readonly string[], input: RefreshInput): Promise<RefreshReport> {
  const report = emptyReport();
  if (input.segments.length === 0 || contactIds.length === 0) return report;
  const unique = [...new Set(contactIds)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const ids = unique.slice(i, i + BATCH);
    const [contacts, memberships] = await Promise.all([
      db.contacts.find({ _id: { $in: ids } }, { projection: CONTACT_PROJECTION }).toArray(),
      readMemberships(db, { contactIds: ids }),
    ]);
    const facts = await loadContactFacts(db, contacts, input.segments, input.now);
    for (const contact of contacts) {
      report.contacts += 1;
      const contactFacts = facts.get(contact._id);
      if (contactFacts) await applyFacts(db, contact, contactFacts, memberships, input, report);
    }
  }
  return report;
}

/**
 * Every contact against every segment, so time windows expire ("in the last 7 days") and edited
 * segment files take effect. One pass over the events (tallyEvents), one over the enrollments the
 * rules name, one over the contacts; only changes are written.
 */
export async function refreshAllSegments(db: ParleyCollections, input: RefreshInput): Promise<RefreshReport> {
  const report = emptyReport();
  const { segments, now } = input;
  if (segments.length === 0) return report;
  const [tally, enrollments, memberships] = await Promise.all([tallyEvents(db, segments, now), enrollmentsByContact(db, segments), readMemberships(db)]);
  const changing: Array<{ contact: FactsContact; facts: ContactFacts }> = [];
  const cursor = db.contacts.find({}, { projection: CONTACT_PROJECTION, batchSize: 5000 });
  for await (const contact of cursor) {
    report.contacts += 1;
    const facts = bulkFacts(contact, tally, enrollments);
    const isMember = (segmentId: string) => memberships.get(membershipKey(segmentId, contact._id))?.member ?? false;
    if (segments.some((s) => matchesRule(s.rule, facts) !== isMember(s.id))) changing.push({ contact, facts });
  }
  // Written after the scan: writing while the contacts cursor is open would slow both on FerretDB.
  for (const { contact, facts } of changing) await applyFacts(db, contact, facts, memberships, input, report);
  return report;
}
