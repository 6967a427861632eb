import type { Filter } from 'mongodb';
import type { ContactDoc, EnrollmentStatus, EventDoc, ParleyCollections } from '../db/index.ts';
import { eventConditions, eventMatches, type ContactFacts, type MatchingEvents, type SegmentContact } from './evaluate.ts';
import type { EventCondition, Segment, ValueMatcher } from './types.ts';

/** The contact fields rules read: the projection of every contact query here. */
export const CONTACT_PROJECTION = {
  email: 1, firstName: 1, lastName: 1, company: 1, owner: 1, timeZone: 1, fields: 1, qualification: 1, qualified: 1, suppressed: 1,
} as const;

export type FactsContact = SegmentContact & Pick<ContactDoc, '_id' | 'suppressed'>;

/** The event types any of the segments looks at: only events of these types can change a membership. */
export function referencedEventTypes(segments: readonly Segment[]): Set<string> {
  return new Set(segments.flatMap((s) => eventConditions(s.rule).map((c) => c.type)));
}

function referencedSequences(segments: readonly Segment[]): string[] {
  const ids = new Set<string>();
  const visit = (rule: Segment['rule']): void => {
    if (rule.kind === 'all' || rule.kind === 'any') rule.rules.forEach(visit);
    else if (rule.kind === 'not') visit(rule.rule);
    else if (rule.kind === 'sequence') ids.add(rule.sequenceId);
  };
  segments.forEach((s) => visit(s.rule));
  return [...ids];
}

/**
 * Facts for one contact, read from the database: its events of the types the segments use, and
 * its enrollments. Events are matched in memory, so the newest matching event is known too.
 */
export async function loadContactFacts(
  db: Pick<ParleyCollections, 'events' | 'enrollments'>,
  contact: FactsContact,
  segments: readonly Segment[],
  now: Date,
): Promise<ContactFacts> {
  const types = [...referencedEventTypes(segments)];
  const [events, enrollments] = await Promise.all([
    types.length === 0
      ? Promise.resolve([])
      : db.events.find({ contactId: contact._id, type: { $in: types } }, { projection: { type: 1, at: 1, props: 1 } }).toArray(),
    db.enrollments.find({ contactId: contact._id }, { projection: { sequenceId: 1, status: 1 } }).toArray(),
  ]);
  return {
    contact,
    enrollments,
    events(condition: EventCondition): MatchingEvents {
      let count = 0;
      let newest: MatchingEvents['newest'];
      for (const e of events) {
        if (!eventMatches(condition, e, now)) continue;
        count += 1;
        if (!newest || e.at > newest.at) newest = { type: e.type, at: e.at, props: e.props };
      }
      return { count, newest };
    },
  };
}

/** Same condition, same counts: conditions written alike in several segments are counted once. */
export const conditionKey = (c: EventCondition): string => JSON.stringify([c.type, c.windowMs ?? null, Object.entries(c.where).sort(([a], [b]) => a.localeCompare(b))]);

/**
 * For a refresh of every contact: per distinct event condition, how many matching events each
 * contact has, counted by the database (`$match` + `$group` with `$sum`, which FerretDB v1 has).
 * Contacts without any are absent (count 0).
 */
export async function countEventsByContact(
  db: Pick<ParleyCollections, 'events'>,
  segments: readonly Segment[],
  now: Date,
): Promise<Map<string, Map<string, number>>> {
  const conditions = new Map<string, EventCondition>();
  for (const s of segments) for (const c of eventConditions(s.rule)) conditions.set(conditionKey(c), c);
  const counts = new Map<string, Map<string, number>>();
  for (const [key, condition] of conditions) {
    const byContact = new Map<string, number>();
    const cursor = db.events.aggregate<{ _id: string; n: number }>([
      { $match: eventFilter(condition, now) },
      { $group: { _id: '$contactId', n: { $sum: 1 } } },
    ]);
    for await (const row of cursor) byContact.set(row._id, row.n);
    counts.set(key, byContact);
  }
  return counts;
}

/** Enrollment states by contact, for the sequences the segments name (none read when no rule names one). */
export async function enrollmentsByContact(
  db: Pick<ParleyCollections, 'enrollments'>,
  segments: readonly Segment[],
): Promise<Map<string, Array<{ sequenceId: string; status: EnrollmentStatus }>>> {
  const ids = referencedSequences(segments);
  const byContact = new Map<string, Array<{ sequenceId: string; status: EnrollmentStatus }>>();
  if (ids.length === 0) return byContact;
  const cursor = db.enrollments.find({ sequenceId: { $in: ids } }, { projection: { contactId: 1, sequenceId: 1, status: 1 } });
  for await (const e of cursor) {
    const list = byContact.get(e.contactId) ?? [];
    list.push({ sequenceId: e.sequenceId, status: e.status });
    byContact.set(e.contactId, list);
  }
  return byContact;
}

/** Facts for one contact from the bulk counts (no newest event: a change re-reads the contact's own facts). */
export function bulkFacts(
  contact: SegmentContact & { _id: string },
  counts: Map<string, Map<string, number>>,
  enrollments: Map<string, Array<{ sequenceId: string; status: EnrollmentStatus }>>,
): ContactFacts {
  return {
    contact,
    enrollments: enrollments.get(contact._id) ?? [],
    events: (condition) => ({ count: counts.get(conditionKey(condition))?.get(contact._id) ?? 0, newest: undefined }),
  };
}

/** The MongoDB filter for a condition: the same test as eventMatches, run by the database. */
export function eventFilter(condition: EventCondition, now: Date): Filter<EventDoc> {
  const at = condition.windowMs === undefined ? { $lte: now } : { $lte: now, $gte: new Date(now.getTime() - condition.windowMs) };
  const props = Object.entries(condition.where).flatMap(([prop, m]) => matcherFilters(m).map((test) => ({ [`props.${prop}`]: test })));
  return { type: condition.type, at, ...(props.length > 0 && { $and: props }) } as Filter<EventDoc>;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One test per matcher key (a property can't carry two $regex in one object). No value is a missing property or ''. */
function matcherFilters(m: ValueMatcher): Array<Record<string, unknown>> {
  const tests: Array<Record<string, unknown>> = [];
  if (m.exists === false) tests.push({ $in: [null, ''] });
  if (m.exists === true) tests.push({ $nin: [null, ''] });
  if (m.equals !== undefined) tests.push({ $eq: m.equals });
  if (m.in !== undefined) tests.push({ $in: [...m.in] });
  if (m.startsWith !== undefined) tests.push({ $regex: `^${escapeRegex(m.startsWith)}` });
  if (m.contains !== undefined) tests.push({ $regex: escapeRegex(m.contains) });
  return tests;
}
