import type { SequenceInput } from './schema.ts';
import type { Sequence, SequenceStep, StepVariant } from './types.ts';

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
    sender: Object.freeze({ name: input.sender.name, address: input.sender.address, replyTo: input.sender.reply_to }),
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
