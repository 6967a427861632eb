// The query type from the storage seam (src/db), so this folder does not import the driver.
import type { DocumentFilter as Filter } from '../db/index.ts';
import type { ContactDoc, EnrollmentStatus, EventDoc, ParleyCollections } from '../db/index.ts';
import { eventConditions, eventMatches, positiveEventConditions, type ContactFacts, type MatchingEvents, type SegmentContact } from './evaluate.ts';
import type { EventCondition, Segment } from './types.ts';

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

/** Facts from one contact's own events, matched in memory (so the newest matching event is known too). */
function factsFromEvents(contact: SegmentContact, events: ReadonlyArray<Pick<EventDoc, 'type' | 'at' | 'props'>>, enrollments: ContactFacts['enrollments'], now: Date): ContactFacts {
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

/**
 * Facts for a batch of contacts, read from the database in one query per collection (their events
 * of the types the segments use, their enrollments), however many contacts the batch holds.
 */
export async function loadContactFacts(
  db: Pick<ParleyCollections, 'events' | 'enrollments'>,
  contacts: readonly FactsContact[],
  segments: readonly Segment[],
  now: Date,
): Promise<Map<string, ContactFacts>> {
  const ids = contacts.map((c) => c._id);
  const types = [...referencedEventTypes(segments)];
  const [events, enrollments] = await Promise.all([
    types.length === 0 ? Promise.resolve([]) : db.events.find({ contactId: { $in: ids }, type: { $in: types } }, { projection: { contactId: 1, type: 1, at: 1, props: 1 } }).toArray(),
    db.enrollments.find({ contactId: { $in: ids } }, { projection: { contactId: 1, sequenceId: 1, status: 1 } }).toArray(),
  ]);
  const group = <T extends { contactId: string }>(rows: readonly T[]) => {
    const by = new Map<string, T[]>();
    for (const r of rows) by.set(r.contactId, [...(by.get(r.contactId) ?? []), r]);
    return by;
  };
  const eventsBy = group(events);
  const enrollmentsBy = group(enrollments);
  return new Map(contacts.map((c) => [c._id, factsFromEvents(c, eventsBy.get(c._id) ?? [], enrollmentsBy.get(c._id) ?? [], now)]));
}

/** Same condition, same counts: conditions written alike in several segments are counted once. */
export const conditionKey = (c: EventCondition): string => JSON.stringify([c.type, c.windowMs ?? null, Object.entries(c.where).sort(([a], [b]) => a.localeCompare(b))]);

/** Per distinct event condition, per contact: how many events match and the newest one. */
export type EventTally = Map<string, Map<string, MatchingEvents>>;

/**
 * For a refresh of every contact: one pass over the events of the types the segments use (since
 * the widest window, when every condition has one), each matched in memory against every
 * condition, the same test the per-contact path runs. One scan, not one per condition: FerretDB v1
 * pushes no filter but _id down to SQLite, so every query is a scan there.
 */
export async function tallyEvents(db: Pick<ParleyCollections, 'events'>, segments: readonly Segment[], now: Date): Promise<EventTally> {
  const conditions = new Map<string, EventCondition>();
  for (const s of segments) for (const c of eventConditions(s.rule)) conditions.set(conditionKey(c), c);
  const tally: EventTally = new Map([...conditions.keys()].map((key) => [key, new Map()]));
  // Only conditions that bring contacts in fill the templates' event_* variables: the others keep
  // counts alone, which keeps a refresh's memory to a few numbers per contact.
  const keepsNewest = new Set(segments.flatMap((s) => positiveEventConditions(s.rule).map(conditionKey)));
  if (conditions.size === 0) return tally;
  const byType = new Map<string, Array<[string, EventCondition]>>();
  for (const entry of conditions) byType.set(entry[1].type, [...(byType.get(entry[1].type) ?? []), entry]);
  const windows = [...conditions.values()].map((c) => c.windowMs);
  const widest = windows.some((w) => w === undefined) ? undefined : Math.max(...(windows as number[]));
  const filter: Filter<EventDoc> = { type: { $in: [...byType.keys()] }, ...(widest !== undefined && { at: { $gte: new Date(now.getTime() - widest) } }) };
  const cursor = db.events.find(filter, { projection: { contactId: 1, type: 1, at: 1, props: 1 }, batchSize: 5000 });
  for await (const event of cursor) {
    for (const [key, condition] of byType.get(event.type) ?? []) {
      if (!eventMatches(condition, event, now)) continue;
      const byContact = tally.get(key);
      const seen = byContact?.get(event.contactId);
      const newest = keepsNewest.has(key) ? { type: event.type, at: event.at, props: event.props } : undefined;
      if (!seen) byContact?.set(event.contactId, { count: 1, newest });
      else {
        seen.count += 1;
        if (newest && (!seen.newest || event.at > seen.newest.at)) seen.newest = newest;
      }
    }
  }
  return tally;
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

/** Facts for one contact from the tallies of a full refresh. */
export function bulkFacts(
  contact: SegmentContact & { _id: string },
  tally: EventTally,
  enrollments: Map<string, Array<{ sequenceId: string; status: EnrollmentStatus }>>,
): ContactFacts {
  return {
    contact,
    enrollments: enrollments.get(contact._id) ?? [],
    events: (condition) => tally.get(conditionKey(condition))?.get(contact._id) ?? { count: 0, newest: undefined },
  };
}
