import { positionOf } from './positions.ts';
import type { Sequence, SequenceProblem, SequenceSender } from './types.ts';

/** Every mailbox the sequence may send from: its pool, or its one sender. */
export function sendersOf(sequence: Pick<Sequence, 'sender' | 'senders'>): readonly SequenceSender[] {
  return sequence.senders ?? [sequence.sender];
}

/**
 * A pool may name only mailboxes of MAILBOXES_FILE: Parley sends through their SMTP servers and
 * counts their caps, so an address it has no settings for can't be sent from. `known` undefined:
 * no mailboxes file, so no pool can be used. Each problem names the file, line and field.
 */
export function poolProblems(sequence: Sequence, known: ReadonlySet<string> | undefined): SequenceProblem[] {
  if (!sequence.senders) return [];
  return sequence.senders.flatMap((sender, i) => {
    if (known?.has(sender.address)) return [];
    const why = known
      ? `'${sender.address}' is not a mailbox of MAILBOXES_FILE; add it there or remove it from the pool`
      : `'${sender.address}': a senders pool needs MAILBOXES_FILE listing its mailboxes (or write sender: for one mailbox)`;
    return [{ ...positionOf(sequence, ['senders', i, 'address']), message: why }];
  });
}
