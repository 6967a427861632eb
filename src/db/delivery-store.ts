import type { Collection } from 'mongodb';
import type { DeliveryDoc, SendClaimDoc } from './documents.ts';
import { sendClaimSlots, slotId } from './numbered-slots.ts';
import { claimOf, releaseOf } from './send-claims.ts';

/** One attempt to send a step: its claim, and its outcome once recorded (null while sending). */
export interface SendAttempt {
  claim: SendClaimDoc;
  delivery: DeliveryDoc | null;
}

/** A claim the send caps count. */
export type CountedClaim = Pick<SendClaimDoc, '_id' | 'to' | 'from' | 'claimedAt' | 'releases'>;

/** Which claims the send caps read: those to these recipients, and those from these mailboxes, since a time each. */
export interface CapQuery {
  to?: { addresses: readonly string[]; since: Date } | undefined;
  from?: { addresses: readonly string[]; since: Date } | undefined;
}

/**
 * Sending a step (`send_claims` and `deliveries`). Claiming attempt n of a step inserts the send
 * claim `<enrollment>:<step>#<n>` (numbered slots): a unique insert, atomic on MongoDB and
 * FerretDB v1 alike, and the only guard against sending twice. Never an update filter: FerretDB
 * v1's filtered updates and findOneAndUpdate are not atomic (STACK-NOTES). The attempt's outcome
 * is inserted once known, as the delivery with the claim's `_id`; a failed or abandoned attempt
 * also inserts a release of its claim, so the caps stop counting it. Claims and deliveries are
 * insert-only, except a soft bounce marking a sent delivery bounced.
 *
 * Indexes: `_id` for a step's attempts; `{to, claimedAt}` and `{from, claimedAt}` for the caps;
 * `{messageId}` for matching replies and bounces; `{enrollmentId, stepId}` for a thread's sends.
 */
export interface DeliveryStore {
  /**
   * A step's attempts, newest first. Read by `_id` from 1 up (numbered with no gaps) rather than
   * by a filter: stock FerretDB v1 answers only `_id` lookups without scanning.
   */
  attempts(enrollmentId: string, stepId: string): Promise<SendAttempt[]>;
  /** Claims an attempt (its `_id` is the claim's); false when another worker claimed that attempt first. */
  claim(attempt: DeliveryDoc): Promise<boolean>;
  /** The server took the message. Throws a duplicate key if the attempt's outcome is recorded already. */
  recordSent(attempt: DeliveryDoc, smtpResponse: string, sentAt: Date): Promise<void>;
  /** The send failed; its claim is released. Throws a duplicate key if the attempt's outcome is recorded already. */
  recordFailed(attempt: DeliveryDoc, error: NonNullable<DeliveryDoc['error']>): Promise<void>;
  /** The enrollment changed after the claim, so nothing was sent; its claim is released. Throws a duplicate key if recorded already. */
  recordAbandoned(attempt: DeliveryDoc): Promise<void>;
  /**
   * The claims the send caps count: those matching the query, less released ones (failed or
   * abandoned attempts sent nothing). One read per run: stock FerretDB v1 scans `send_claims` for
   * it (MongoDB and the patched embedded FerretDB use the two `claimedAt` indexes).
   */
  countedClaims(query: CapQuery): Promise<CountedClaim[]>;
  /** A delivery with one of these Message-IDs, whatever its state: the step a reply or bounce names. */
  withMessageId(messageIds: readonly string[]): Promise<DeliveryDoc | null>;
  /** True when Parley sent (or tried to send) a message with this Message-ID: a copy of our own mail. */
  isOurs(messageId: string): Promise<boolean>;
  /** The steps sent in an enrollment's thread, in step order. */
  sentInThread(enrollmentId: string): Promise<DeliveryDoc[]>;
  /** The step sent last in an enrollment's thread. */
  lastSentInThread(enrollmentId: string): Promise<DeliveryDoc | null>;
  /**
   * A sent step soft-bounced and goes out again: its sent delivery becomes `bounced`. Idempotent.
   * An update (FerretDB v1 scans the collection for it), but rare: once per soft bounce.
   */
  markBounced(enrollmentId: string, stepId: string): Promise<void>;
  /** How many deliveries of a step were sent (the demo waits on it). No index serves it. */
  countSentOfStep(stepId: string): Promise<number>;
  /** A delivery sent to this address (the demo answers it). No index serves it. */
  sentTo(address: string): Promise<DeliveryDoc | null>;
}

export function deliveryStore(collections: { deliveries: Collection<DeliveryDoc>; sendClaims: Collection<SendClaimDoc> }): DeliveryStore {
  const { deliveries, sendClaims } = collections;
  const slots = sendClaimSlots(collections);
  const stepKey = (attempt: Pick<DeliveryDoc, 'enrollmentId' | 'stepId'>) => `${attempt.enrollmentId}:${attempt.stepId}`;
  return {
    async attempts(enrollmentId, stepId) {
      const found: SendAttempt[] = [];
      for (let n = 1; ; n += 1) {
        const id = slotId(stepKey({ enrollmentId, stepId }), n);
        // Every delivery has its claim, so a missing claim ends the list without asking for its delivery.
        const claim = await sendClaims.findOne({ _id: id });
        if (!claim) return found.reverse();
        found.push({ claim, delivery: await deliveries.findOne({ _id: id }) });
      }
    },
    claim: async (attempt) => (await slots.take(stepKey(attempt), attempt.attempt, () => claimOf(attempt))) !== undefined,
    async recordSent(attempt, smtpResponse, sentAt) {
      await deliveries.insertOne({ ...attempt, state: 'sent', smtpResponse, sentAt });
    },
    async recordFailed(attempt, error) {
      await deliveries.insertOne({ ...attempt, state: 'failed', error });
      await sendClaims.insertOne(releaseOf(attempt));
    },
    async recordAbandoned(attempt) {
      await deliveries.insertOne({ ...attempt, state: 'abandoned' });
      await sendClaims.insertOne(releaseOf(attempt));
    },
    async countedClaims(query) {
      // An empty $in makes FerretDB v1 read the whole collection: leave such a part out.
      const parts = [
        ...(query.to && query.to.addresses.length > 0
          ? [{ to: { $in: [...query.to.addresses] }, claimedAt: { $gte: query.to.since } }]
          : []),
        ...(query.from && query.from.addresses.length > 0
          ? [{ from: { $in: [...query.from.addresses] }, claimedAt: { $gte: query.from.since } }]
          : []),
      ];
      const [only] = parts;
      if (!only) return [];
      const found = await sendClaims
        .find(parts.length === 1 ? only : { $or: parts }, { projection: { to: 1, from: 1, claimedAt: 1, releases: 1 } })
        .toArray();
      const released = new Set(found.flatMap((c) => (c.releases === undefined ? [] : [c.releases])));
      return found.filter((c) => c.releases === undefined && !released.has(c._id));
    },
    // An empty $in would scan the collection and find nothing.
    withMessageId: async (messageIds) => (messageIds.length === 0 ? null : deliveries.findOne({ messageId: { $in: [...messageIds] } })),
    isOurs: async (messageId) => (await deliveries.countDocuments({ messageId }, { limit: 1 })) > 0,
    sentInThread: (enrollmentId) => deliveries.find({ enrollmentId, state: 'sent' }).sort({ stepIndex: 1 }).toArray(),
    lastSentInThread: (enrollmentId) => deliveries.find({ enrollmentId, state: 'sent' }).sort({ sentAt: -1 }).limit(1).next(),
    async markBounced(enrollmentId, stepId) {
      await deliveries.updateMany({ enrollmentId, stepId, state: 'sent' }, { $set: { state: 'bounced' } });
    },
    countSentOfStep: (stepId) => deliveries.countDocuments({ stepId, state: 'sent' }),
    sentTo: (address) => deliveries.findOne({ to: address, state: 'sent' }),
  };
}
