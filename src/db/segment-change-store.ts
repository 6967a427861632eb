import type { Collection, Filter } from 'mongodb';
import { insertEachOnce, insertOnce } from './database.ts';
import type { SegmentChangeDoc } from './documents.ts';

/** Whose changes to read: one segment's, some contacts', one contact's, or (nothing given) all. */
export interface SegmentChangeScope {
  segmentId?: string | undefined;
  contactIds?: readonly string[] | undefined;
  contactId?: string | undefined;
}

/**
 * Segment entries and exits (`segment_changes`). Change number n of a contact in a segment has
 * the `_id` `<segment>:<contact>#n` (src/segments/membership.ts): recording it is an insert of
 * that unique key, atomic on MongoDB and FerretDB v1 alike, so of several refreshes recording the
 * same change exactly one gets 'recorded', the others 'duplicate'. Changes are never updated.
 * Reads by contact are served by the contactId index, a segment's latest by `{segmentId, at}`.
 */
export interface SegmentChangeStore {
  /** A segment's latest entries and exits, newest first, at most `limit`. */
  latest(segmentId: string, limit: number): Promise<SegmentChangeDoc[]>;
  /** Records one change; 'duplicate' when a change with its `_id` is there already. */
  record(change: SegmentChangeDoc): Promise<'recorded' | 'duplicate'>;
  /** Records many changes in one unordered insert: per change, as `record` answers. */
  recordEach(changes: readonly SegmentChangeDoc[]): Promise<Array<'recorded' | 'duplicate'>>;
  /** Every change in the scope, in no particular order, streamed in batches of 5000. */
  changes(scope: SegmentChangeScope): AsyncIterable<SegmentChangeDoc>;
}

/** Changes per round trip of a membership read. */
const BATCH_SIZE = 5000;

const asRecorded = (result: 'inserted' | 'duplicate') => (result === 'inserted' ? 'recorded' : 'duplicate');

export function segmentChangeStore(collections: { segmentChanges: Collection<SegmentChangeDoc> }): SegmentChangeStore {
  const { segmentChanges } = collections;
  return {
    latest: (segmentId, limit) => segmentChanges.find({ segmentId }).sort({ at: -1 }).limit(limit).toArray(),
    record: async (change) => asRecorded(await insertOnce(segmentChanges, change)),
    recordEach: async (changes) => (await insertEachOnce(segmentChanges, changes)).map(asRecorded),
    async *changes(scope) {
      // An empty $in is no lookup at all to FerretDB: it reads the whole collection to find nothing.
      if (scope.contactIds?.length === 0) return;
      const filter: Filter<SegmentChangeDoc> = {
        ...(scope.segmentId !== undefined && { segmentId: scope.segmentId }),
        ...(scope.contactIds !== undefined && { contactId: { $in: [...scope.contactIds] } }),
        // Equality on the indexed contactId: one contact's changes, not a pass over all of them.
        ...(scope.contactId !== undefined && { contactId: scope.contactId }),
      };
      yield* segmentChanges.find(filter, { batchSize: BATCH_SIZE });
    },
  };
}
