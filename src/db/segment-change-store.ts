import type { Collection } from 'mongodb';
import type { SegmentChangeDoc } from './documents.ts';

/**
 * Segment entries and exits (`segment_changes`), as the CLI reads them. src/segments writes and
 * reads them itself until its rewrite lands; this store holds only what `parley segments show`
 * needs. The latest changes of a segment are served by the `{segmentId, at}` index.
 */
export interface SegmentChangeStore {
  /** A segment's latest entries and exits, newest first, at most `limit`. */
  latest(segmentId: string, limit: number): Promise<SegmentChangeDoc[]>;
}

export function segmentChangeStore(collections: { segmentChanges: Collection<SegmentChangeDoc> }): SegmentChangeStore {
  const { segmentChanges } = collections;
  return {
    latest: (segmentId, limit) => segmentChanges.find({ segmentId }).sort({ at: -1 }).limit(limit).toArray(),
  };
}
