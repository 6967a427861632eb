import { eventStore, queueWebhook, type EventDoc, type ParleyCollections, type WebhookSourceKind } from '../db/index.ts';
import { STATS_EVENT_TYPES, type OwnEventType } from './types.ts';

const STATS_TYPES: ReadonlySet<string> = new Set(STATS_EVENT_TYPES);
/** The events outbound webhooks can announce (src/webhooks/events.ts). */
const ANNOUNCED: ReadonlySet<OwnEventType> = new Set<WebhookSourceKind & OwnEventType>([
  'email_bounced',
  'replied',
  'unsubscribed',
  'qualified',
]);
const isAnnounced = (type: OwnEventType): type is WebhookSourceKind & OwnEventType => ANNOUNCED.has(type);

/** What recording an own event writes to. */
export type OwnEventCollections = Pick<ParleyCollections, 'events' | 'rollupQueue' | 'statsQueue' | 'webhookQueue'>;

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
 * send or an outcome is also marked for its day's stats summary first (src/stats/days.ts). A
 * bounce, reply, unsubscribe or qualification is then queued for the outbound webhooks.
 */
export async function recordOwnEvent(db: OwnEventCollections, event: OwnEvent): Promise<void> {
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
  // After the event, and on every redo too: a crash in between is mended by the redo, and a marker
  // fanned out before makes no second delivery (deliveries are keyed by endpoint and event).
  if (isAnnounced(event.type)) {
    const { _id, contactId, at, sequenceId, stepId, enrollmentId } = doc;
    await queueWebhook(db, { _id, kind: event.type, at, contactId, sequenceId, stepId, enrollmentId, props, queuedAt: doc.receivedAt });
  }
}
