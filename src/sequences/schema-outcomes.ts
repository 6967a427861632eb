import { z } from 'zod';
import { slug, strictObject, wait } from './schema-fields.ts';
import type { ConfigurableIntent, ReplyOutcome } from './types.ts';

/** The intents a sequence file's `outcomes` may set; the others (unsubscribe, bounce, ...) act the same way everywhere. */
export const CONFIGURABLE: readonly ConfigurableIntent[] = [
  'interested',
  'meeting_request',
  'question',
  'not_now',
  'not_interested',
  'wrong_person',
  'unclear',
];

export function isConfigurableIntent(intent: string): intent is ConfigurableIntent {
  return (CONFIGURABLE as readonly string[]).includes(intent);
}

/** Intents whose handling is fixed for every sequence, and why, for the error message. */
const FIXED = {
  unsubscribe: 'an unsubscribe reply always stops the sequence and suppresses the contact, whatever the file says; remove this line',
  bounce:
    'a bounce always stops or pauses the sequence by its reason, whatever the file says (a dead address is suppressed, a full mailbox retried, a refused message paused); remove this line',
  out_of_office:
    'an out-of-office reply always pauses the sequence and resumes it after the return date, whatever the file says; remove this line',
  auto_reply: 'an automatic answer (ticket receipt, unmonitored mailbox) never changes the sequence; remove this line',
} as const;

const actionNames = ['pause_and_task', 'stop', 'resume_after', 'move_to', 'route_to_owner', 'mark_qualified'] as const;
const actionList = actionNames.join(', ');

const outcome = z.preprocess(
  // `interested: stop` is shorthand for `interested: { action: stop }`.
  (value) => (typeof value === 'string' && (actionNames as readonly string[]).includes(value) ? { action: value } : value),
  z.discriminatedUnion(
    'action',
    [
      strictObject({ action: z.literal('pause_and_task') }),
      strictObject({ action: z.literal('stop') }),
      strictObject({ action: z.literal('route_to_owner') }),
      strictObject({ action: z.literal('mark_qualified') }),
      strictObject({ action: z.literal('resume_after'), after: wait, at_most: wait.optional() }),
      strictObject({ action: z.literal('move_to'), sequence: slug }),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? `unknown action; use one of ${actionList}`
          : issue.code === 'invalid_type'
            ? typeof issue.input === 'string'
              ? `unknown action '${issue.input}'; use one of ${actionList}`
              : `expected an action (${actionList}) or { action: …, … }`
            : undefined,
    },
  ),
);

function toOutcome(input: z.output<typeof outcome>): ReplyOutcome {
  switch (input.action) {
    case 'resume_after':
      return Object.freeze({
        action: input.action,
        wait: Object.freeze(input.after),
        ...(input.at_most !== undefined && { atMost: Object.freeze(input.at_most) }),
      });
    case 'move_to':
      return Object.freeze({ action: input.action, sequenceId: input.sequence });
    default:
      return Object.freeze({ action: input.action });
  }
}

const fixedIntent = (message: string) =>
  z
    .unknown()
    .superRefine((_, ctx) => ctx.addIssue({ code: 'custom', message }))
    .optional();

/** An `outcomes:` map, on the sequence or on a step: intent → action. */
export const outcomes = strictObject(
  {
    interested: outcome.optional(),
    meeting_request: outcome.optional(),
    question: outcome.optional(),
    not_now: outcome.optional(),
    not_interested: outcome.optional(),
    wrong_person: outcome.optional(),
    unclear: outcome.optional(),
    unsubscribe: fixedIntent(FIXED.unsubscribe),
    bounce: fixedIntent(FIXED.bounce),
    out_of_office: fixedIntent(FIXED.out_of_office),
    auto_reply: fixedIntent(FIXED.auto_reply),
  },
  CONFIGURABLE,
).transform((input) => {
  const result: Partial<Record<ConfigurableIntent, ReplyOutcome>> = {};
  for (const intent of CONFIGURABLE) {
    const value = input[intent];
    if (value !== undefined) result[intent] = toOutcome(value);
  }
  return Object.freeze(result);
});
