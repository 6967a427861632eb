import { segmentChangeStore, type ParleyCollections, type SegmentChangeScope } from '../db/index.ts';

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
  scope: SegmentChangeScope = {},
): Promise<Map<string, SegmentMembership>> {
  const memberships = new Map<string, SegmentMembership>();
  for await (const c of segmentChangeStore(db).changes(scope)) {
    const key = membershipKey(c.segmentId, c.contactId);
    const seen = memberships.get(key);
    if (seen && seen.n >= c.n) continue;
    memberships.set(key, {
      segmentId: c.segmentId,
      contactId: c.contactId,
      member: c.member,
      entries: c.entries,
      n: c.n,
      since: c.at,
      reason: c.reason,
      context: c.context,
    });
  }
  return memberships;
}
