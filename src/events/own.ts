import { isDuplicateKey, queueForRollup, type EventDoc, type ParleyCollections } from '../db/index.ts';
import type { OwnEventType } from './types.ts';

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
 * its contact's rollup first; segment membership catches up through the worker's event pass.
 */
export async function recordOwnEvent(db: Pick<ParleyCollections, 'events' | 'rollupQueue'>, event: OwnEvent): Promise<void> {
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
  await queueForRollup(db, [doc], doc.receivedAt);
  try {
    await db.events.insertOne(doc);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}
