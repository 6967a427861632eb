import type { ParleyCollections } from '../db/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { entryContext, explainSegment, matchesRule, shortReason } from './evaluate.ts';
import { bulkFacts, CONTACT_PROJECTION, countEventsByContact, enrollmentsByContact, loadContactFacts, type FactsContact } from './facts.ts';
import { recordMembershipChange, type ChangeEffects } from './membership.ts';
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

/**
 * Re-evaluates one contact against every segment, from its own events and enrollments, and records
 * each entry and exit. Called when events arrive for it.
 */
async function refreshContact(db: ParleyCollections, contact: FactsContact, input: RefreshInput, report: RefreshReport): Promise<void> {
  const { segments, sequences, now } = input;
  const facts = await loadContactFacts(db, contact, segments, now);
  const memberships = await db.segmentMemberships.find({ contactId: contact._id }, { projection: { segmentId: 1, member: 1 } }).toArray();
  const member = new Set(memberships.filter((m) => m.member).map((m) => m.segmentId));
  for (const segment of segments) {
    const explanation = explainSegment(segment, facts);
    if (explanation.ok === member.has(segment.id)) continue;
    const context = explanation.ok ? entryContext(segment, facts) : undefined;
    const effects = await recordMembershipChange(db, { segment, contact, entering: explanation.ok, reason: shortReason(explanation), context }, sequences, now);
    add(report, explanation.ok, effects);
  }
}

/** Segment membership of these contacts, brought up to date (the path for new events). */
export async function refreshContacts(db: ParleyCollections, contactIds: readonly string[], input: RefreshInput): Promise<RefreshReport> {
  const report = emptyReport();
  if (input.segments.length === 0 || contactIds.length === 0) return report;
  const cursor = db.contacts.find({ _id: { $in: [...new Set(contactIds)] } }, { projection: CONTACT_PROJECTION });
  for await (const contact of cursor) {
    report.contacts += 1;
    await refreshContact(db, contact, input, report);
  }
  return report;
}

/**
 * Every contact against every segment, so time windows expire ("in the last 7 days") and edited
 * segment files take effect. Events are counted by the database per condition, contacts streamed;
 * only the contacts whose membership changes are read again one by one, for the reason and the
 * event that brought them in.
 */
export async function refreshAllSegments(db: ParleyCollections, input: RefreshInput): Promise<RefreshReport> {
  const report = emptyReport();
  const { segments, now } = input;
  if (segments.length === 0) return report;
  const [counts, enrollments, members] = await Promise.all([countEventsByContact(db, segments, now), enrollmentsByContact(db, segments), currentMembers(db)]);
  const changing: FactsContact[] = [];
  const cursor = db.contacts.find({}, { projection: CONTACT_PROJECTION, batchSize: 2000 });
  for await (const contact of cursor) {
    report.contacts += 1;
    const facts = bulkFacts(contact, counts, enrollments);
    if (segments.some((s) => matchesRule(s.rule, facts) !== (members.get(s.id)?.has(contact._id) ?? false))) changing.push(contact);
  }
  for (const contact of changing) await refreshContact(db, contact, input, report);
  return report;
}

async function currentMembers(db: ParleyCollections): Promise<Map<string, Set<string>>> {
  const members = new Map<string, Set<string>>();
  for await (const m of db.segmentMemberships.find({ member: true }, { projection: { segmentId: 1, contactId: 1 } })) {
    let set = members.get(m.segmentId);
    if (!set) members.set(m.segmentId, (set = new Set()));
    set.add(m.contactId);
  }
  return members;
}
