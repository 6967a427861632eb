import { eventStore, type EventDoc, type ParleyCollections } from '../db/index.ts';
import { STATS_EVENT_TYPES, type OwnEventType } from './types.ts';

const STATS_TYPES: ReadonlySet<string> = new Set(STATS_EVENT_TYPES);

export interface OwnEvent {
  type: OwnEventType;
  /** What makes this event unique (a delivery, reply or task id): recording it again is a no-op. */
  key: string;
  contactId: string;
  at: Date;
  sequenceId?: string | undefined;
  stepId?: string | undefined;
  enrollmentId?: string | undefined;
  props?: Record<string, string | undefined>;
}

/**
 * Records one of Parley's own events (a send, a reply, an unsubscribe, ...). Idempotent: the id is
 * `<type>:<key>`, so a step handled twice (a takeover, a refetch) records once. It is queued for
 * its contact's rollup first; segment membership catches up through the worker's event pass. A
 * send or an outcome is also marked for its day's stats summary first (src/stats/days.ts).
 */
export async function recordOwnEvent(db: Pick<ParleyCollections, 'events' | 'rollupQueue' | 'statsQueue'>, event: OwnEvent): Promise<void> {
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.props ?? {})) if (v !== undefined && v !== '') props[k] = v.replace(/\0/g, '');
  const doc: EventDoc = {
    _id: `${event.type}:${event.key}`,
    contactId: event.contactId,
    type: event.type,
    at: event.at,
    source: 'parley',
    props,
    ...(event.sequenceId !== undefined && { sequenceId: event.sequenceId }),
    ...(event.stepId !== undefined && { stepId: event.stepId }),
    ...(event.enrollmentId !== undefined && { enrollmentId: event.enrollmentId }),
    receivedAt: new Date(),
  };
  // Markers first, then the event: see EventStore.
  await eventStore(db).record(doc, { stats: STATS_TYPES.has(doc.type) });
}
