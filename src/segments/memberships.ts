// The query type from the storage seam (src/db), so this folder does not import the driver.
import type { DocumentFilter as Filter } from '../db/index.ts';
import type { ParleyCollections, SegmentChangeDoc } from '../db/index.ts';

/** Where a contact stands in a segment: its newest change there. */
export interface SegmentMembership {
  segmentId: string;
  contactId: string;
  member: boolean;
  /** Times entered. */
  entries: number;
  /** Number of the newest change; the next one is n + 1. */
  n: number;
  /** When the current state began. */
  since: Date;
  reason: string;
  context: Record<string, string> | undefined;
}

export const membershipKey = (segmentId: string, contactId: string) => `${segmentId}:${contactId}`;

/**
 * Memberships, keyed `<segment>:<contact>`, from the newest change of each pair: one streamed read
 * of `segment_changes` (for one segment, or some contacts, or all).
 */
export async function readMemberships(
  db: Pick<ParleyCollections, 'segmentChanges'>,
  scope: { segmentId?: string; contactIds?: readonly string[]; contactId?: string } = {},
): Promise<Map<string, SegmentMembership>> {
  const filter: Filter<SegmentChangeDoc> = {
    ...(scope.segmentId !== undefined && { segmentId: scope.segmentId }),
    ...(scope.contactIds !== undefined && { contactId: { $in: [...scope.contactIds] } }),
    // Equality on the indexed contactId: one contact's changes, not a pass over all of them.
    ...(scope.contactId !== undefined && { contactId: scope.contactId }),
  };
  const memberships = new Map<string, SegmentMembership>();
  for await (const c of db.segmentChanges.find(filter, { batchSize: 5000 })) {
    const key = membershipKey(c.segmentId, c.contactId);
    const seen = memberships.get(key);
    if (seen && seen.n >= c.n) continue;
    memberships.set(key, { segmentId: c.segmentId, contactId: c.contactId, member: c.member, entries: c.entries, n: c.n, since: c.at, reason: c.reason, context: c.context });
  }
  return memberships;
}
