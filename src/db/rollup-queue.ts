import type { ParleyCollections } from './database.ts';
import type { EventDoc, RollupQueueDoc } from './documents.ts';
import { hasOnlyDuplicateKeys } from './write-errors.ts';

/**
 * Queues events for their contacts' rollups. Call it before inserting the events themselves: a
 * marker without its event expires, an event without a marker would never be counted. A marker
 * already there (the same event recorded again) is not an error.
 */
export async function queueForRollup(
  db: Pick<ParleyCollections, 'rollupQueue'>,
  events: ReadonlyArray<Pick<EventDoc, '_id' | 'contactId' | 'type'>>,
  now: Date,
): Promise<void> {
  if (events.length === 0) return;
  const markers: RollupQueueDoc[] = events.map((e) => ({ _id: e._id, contactId: e.contactId, type: e.type, queuedAt: now }));
  try {
    await db.rollupQueue.insertMany(markers, { ordered: false });
  } catch (error) {
    if (!hasOnlyDuplicateKeys(error)) throw error;
  }
}
