import {
  enrollmentStore,
  eventStore,
  type EnrollmentStatus,
  type EventDoc,
  type ParleyCollections,
  type SegmentContactRecord,
} from '../db/index.ts';
import { eventConditions, eventMatches, type ContactFacts, type MatchingEvents, type SegmentContact } from './evaluate.ts';
import type { EventCondition, Segment } from './types.ts';

/** A contact as the segments evaluate it: the fields rules read (the contact store's segment reads). */
export type FactsContact = SegmentContact & SegmentContactRecord;

/** The event types any of the segments looks at: only events of these types can change a membership. */
export function referencedEventTypes(segments: readonly Segment[]): Set<string> {
  return new Set(segments.flatMap((s) => eventConditions(s.rule).map((c) => c.type)));
}

export function referencedSequences(segments: readonly Segment[]): string[] {
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
function factsFromEvents(
  contact: SegmentContact,
  events: ReadonlyArray<Pick<EventDoc, 'type' | 'at' | 'props'>>,
  enrollments: ContactFacts['enrollments'],
  now: Date,
): ContactFacts {
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
 * Facts for a few contacts straight from their events and enrollments (`segments explain`, which
 * shows the live verdict); refreshes read rollups instead (rollups.ts).
 */
export async function loadContactFacts(
  db: Pick<ParleyCollections, 'events' | 'rollupQueue' | 'statsQueue' | 'enrollments'>,
  contacts: readonly FactsContact[],
  segments: readonly Segment[],
  now: Date,
): Promise<Map<string, ContactFacts>> {
  const ids = contacts.map((c) => c._id);
  const types = [...referencedEventTypes(segments)];
  const [events, enrollments] = await Promise.all([eventStore(db).ofContacts(ids, types), enrollmentStore(db).statesOf(ids)]);
  const group = <T extends { contactId: string }>(rows: readonly T[]) => {
    const by = new Map<string, T[]>();
    for (const r of rows) by.set(r.contactId, [...(by.get(r.contactId) ?? []), r]);
    return by;
  };
  const eventsBy = group(events);
  const enrollmentsBy = group(enrollments);
  return new Map(contacts.map((c) => [c._id, factsFromEvents(c, eventsBy.get(c._id) ?? [], enrollmentsBy.get(c._id) ?? [], now)]));
}

/**
 * Enrollment states of some contacts (a slice of the full refresh), by contact, for the sequences
 * the segments name (none read when no rule names one): `contactId $in` is served by the index
 * that leads with contactId.
 */
export async function enrollmentsByContact(
  db: Pick<ParleyCollections, 'enrollments'>,
  segments: readonly Segment[],
  contactIds: readonly string[],
): Promise<Map<string, Array<{ sequenceId: string; status: EnrollmentStatus }>>> {
  const ids = referencedSequences(segments);
  const byContact = new Map<string, Array<{ sequenceId: string; status: EnrollmentStatus }>>();
  if (ids.length === 0 || contactIds.length === 0) return byContact;
  for await (const e of enrollmentStore(db).statesIn(contactIds, ids)) {
    const list = byContact.get(e.contactId) ?? [];
    list.push({ sequenceId: e.sequenceId, status: e.status });
    byContact.set(e.contactId, list);
  }
  return byContact;
}
