import { createHash } from 'node:crypto';

/** A pool mailbox as the choice sees it: its sends in the last day, and whether it has room now. */
export interface PoolCandidate {
  readonly address: string;
  /** Sends (claims) from this mailbox in the last 24 hours, every sequence's. */
  readonly sentLastDay: number;
  /** Undefined when it may send now; otherwise the next moment its caps leave room. */
  readonly roomAt: Date | undefined;
}

export type PoolChoice = { address: string } | { allowedAt: Date };

/**
 * The mailbox a new enrollment is given: among those with room under their caps, the one with the
 * fewest sends in the last day (so the pool fills evenly), ties broken by a hash of the enrollment
 * id and the address (so workers reading the same counts mostly agree, and no address always wins
 * a tie). None with room: the earliest moment one has. Pure.
 */
export function choosePoolSender(enrollmentId: string, candidates: readonly PoolCandidate[]): PoolChoice | undefined {
  const open = candidates.filter((c) => c.roomAt === undefined);
  if (open.length > 0) {
    const best = open.reduce((a, b) => (compare(enrollmentId, a, b) <= 0 ? a : b));
    return { address: best.address };
  }
  const times = candidates.flatMap((c) => (c.roomAt ? [c.roomAt.getTime()] : []));
  return times.length > 0 ? { allowedAt: new Date(Math.min(...times)) } : undefined;
}

function compare(enrollmentId: string, a: PoolCandidate, b: PoolCandidate): number {
  return a.sentLastDay - b.sentLastDay || tieBreak(enrollmentId, a.address).localeCompare(tieBreak(enrollmentId, b.address));
}

function tieBreak(enrollmentId: string, address: string): string {
  return createHash('sha256').update(`${enrollmentId}\n${address}`).digest('hex');
}
