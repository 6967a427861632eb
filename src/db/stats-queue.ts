import type { ParleyCollections } from './database.ts';
import type { EventDoc } from './documents.ts';
import { isDuplicateKey } from './database.ts';

/** The UTC day of a time, YYYY-MM-DD: the unit of the stats summaries. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * Marks a stats event's day as not summarized yet. Call it before inserting the event: a day with
 * a marker is read from the events, so no summary built before the event arrived can hide it. A
 * marker already there (the same event recorded again) is not an error.
 */
export async function queueForStats(
  db: Pick<ParleyCollections, 'statsQueue'>,
  event: Pick<EventDoc, '_id' | 'at'>,
  now: Date,
): Promise<void> {
  try {
    await db.statsQueue.insertOne({ _id: event._id, day: utcDay(event.at), queuedAt: now });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}
