import type { Collection } from 'mongodb';
import { isDuplicateKey } from './database.ts';
import type { EnrollmentDoc, EnrollmentSender, SenderClaimDoc } from './documents.ts';

export interface SenderClaimStore {
  /**
   * Gives the enrollment this pool mailbox unless it has one: the first insert wins (atomic on
   * MongoDB and FerretDB v1 alike, unlike an update filter), and every later caller, another
   * worker or a retry, gets the winner's. The enrollment's copy is then written (the same value
   * by everyone, so that write needs no guard). Returns the enrollment's sender.
   */
  claim(claim: SenderClaimDoc): Promise<EnrollmentSender>;
  /** The mailbox the enrollment was given, if any. */
  get(enrollmentId: string): Promise<EnrollmentSender | undefined>;
}

export function senderClaimStore(db: {
  senderClaims: Collection<SenderClaimDoc>;
  enrollments: Collection<EnrollmentDoc>;
}): SenderClaimStore {
  const get = async (enrollmentId: string) => {
    const found = await db.senderClaims.findOne({ _id: enrollmentId });
    return found ? { address: found.address, name: found.name } : undefined;
  };
  return {
    async claim(claim) {
      let sender: EnrollmentSender | undefined = { address: claim.address, name: claim.name };
      try {
        await db.senderClaims.insertOne(claim);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        sender = await get(claim._id);
        // Inserted, then gone: only a hand-made deletion does that; the next run claims again.
        if (!sender) throw error;
      }
      await db.enrollments.updateOne({ _id: claim._id }, { $set: { sender } });
      return sender;
    },
    get,
  };
}
