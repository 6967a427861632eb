import { ErrorCodes, ParleyError } from '../errors.ts';
import type { SequenceInput } from './schema.ts';
import type { Sequence, SequenceSender, SequenceStep, StepVariant } from './types.ts';

type LintLevel = Sequence['lint'][string];

/**
 * The validated file as a Sequence: camelCase, defaults filled, deeply frozen (renderStep caches
 * parsed templates per step object, so a step must not change under it).
 */
export function toSequence(input: SequenceInput, file: string): Sequence {
  const steps = input.steps.map((s, index): SequenceStep =>
    Object.freeze({
      id: s.id,
      index,
      wait: Object.freeze(s.wait ?? { kind: 'duration', ms: 0 }),
      subject: s.subject,
      body: s.body,
      asks: s.asks,
      outcomes: s.outcomes,
      ...(s.variants !== undefined && s.variants.length > 0 && { variants: variantsOf(s) }),
    }),
  );
  const lint: Record<string, LintLevel> = {};
  for (const [rule, level] of Object.entries(input.lint)) if (level !== undefined) lint[rule] = level;
  return Object.freeze({
    id: input.id,
    name: input.name,
    file,
    owner: input.owner,
    calendarLink: input.calendar_link,
    // A pool's first mailbox stands for the sequence where no enrollment is at hand (the demo, logs).
    sender: senderOf(input.sender ?? input.senders?.[0]),
    ...(input.senders !== undefined && { senders: Object.freeze(input.senders.map(senderOf)) }),
    audience: input.audience,
    policy: input.policy,
    optOut: input.opt_out,
    html: input.html,
    duringConversation: input.during_conversation,
    outcomes: input.outcomes,
    ...(input.referral && { referral: input.referral }),
    lint: Object.freeze(lint),
    steps: Object.freeze(steps),
  });
}

function senderOf(entry: SequenceInput['sender']): SequenceSender {
  // The schema's checks (checks.ts) make sure one of sender and senders is there.
  if (!entry) throw new ParleyError(ErrorCodes.SEQUENCE_INVALID, 'The sequence names no sender: write sender (or senders for a pool).');
  return Object.freeze({ name: entry.name, address: entry.address, replyTo: entry.reply_to });
}

/** Variant `a` (the step's own text, weight 1) then the file's variants, each filled in from the step. */
function variantsOf(s: SequenceInput['steps'][number]): readonly StepVariant[] {
  const own: StepVariant = { id: 'a', weight: 1, subject: s.subject, body: s.body };
  const others = (s.variants ?? []).map((v): StepVariant => ({
    id: v.id,
    weight: v.weight,
    subject: v.subject ?? s.subject,
    body: v.body ?? s.body,
  }));
  return Object.freeze([own, ...others].map((v) => Object.freeze(v)));
}
