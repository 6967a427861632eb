import type { DeliveryDoc, SendClaimDoc } from './documents.ts';

type Attempt = Pick<DeliveryDoc, '_id' | 'enrollmentId' | 'stepId' | 'attempt' | 'worker' | 'leaseUntil' | 'claimedAt' | 'from' | 'to'>;

/** The claim part of an attempt: what `send_claims` keeps. */
export function claimOf(attempt: Attempt): SendClaimDoc {
  const { _id, enrollmentId, stepId, attempt: n, worker, leaseUntil, claimedAt, from, to } = attempt;
  return { _id, enrollmentId, stepId, attempt: n, worker, leaseUntil, claimedAt, from, to };
}

/** Cancels a failed or abandoned attempt's claim for the send caps; see SendClaimDoc.releases. */
export function releaseOf(attempt: Attempt): SendClaimDoc {
  return { ...claimOf(attempt), _id: `${attempt._id}~released`, releases: attempt._id };
}
