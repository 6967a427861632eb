import type { EnrollmentDoc } from '../db/index.ts';
import { sendersOf, type Sequence, type SequenceSender } from '../sequences/index.ts';

/**
 * The mailbox an enrollment's mail goes out from, steps and rep answers alike: the pool mailbox it
 * was given at its first send (kept for the whole thread), else the sequence's one sender. Name
 * and Reply-To come from the pool's entry for that address while the file lists it; an address
 * taken out of the pool keeps its thread, under the name it was given.
 */
export function enrollmentSender(
  sequence: Pick<Sequence, 'sender' | 'senders'>,
  enrollment: Pick<EnrollmentDoc, 'sender'> | undefined,
): SequenceSender {
  const own = enrollment?.sender;
  if (!own) return sequence.sender;
  return sendersOf(sequence).find((s) => s.address === own.address) ?? { name: own.name, address: own.address, replyTo: undefined };
}
