import { z } from 'zod';
import { LINT_LEVELS, LINT_RULE_IDS } from './lint/catalog.ts';
import { bodyTemplate, email, name, slug, strictObject, subjectTemplate, wait } from './schema-fields.ts';
import { outcomes } from './schema-outcomes.ts';
import { referral } from './schema-referral.ts';
import { audience, optOut, policy } from './schema-policy.ts';
import type { Qualification, Sequence } from './types.ts';

/**
 * The shape of a sequence YAML file (snake_case, as marketers write it). Every object is strict;
 * defaults live here, so a parsed sequence is complete. Rules across steps are in checks.ts.
 */
const QUALIFICATIONS = ['main_goal', 'team_size', 'timeline', 'budget', 'decision_maker'] as const satisfies readonly Qualification[];

/** What a due step does while its contact is in a conversation (docs/WRITING-SEQUENCES.md, "One conversation per person"). */
const DURING_CONVERSATION = ['hold', 'send'] as const satisfies ReadonlyArray<Sequence['duringConversation']>;

/**
 * Another text of a step for an A/B test (docs/WRITING-SEQUENCES.md, "A/B variants"). What it
 * leaves out is the step's own; the step's own text is variant `a`, weight 1.
 */
const variant = strictObject({
  id: slug,
  weight: z
    .number({ error: 'expected a whole number from 1 to 100' })
    .int('expected a whole number from 1 to 100')
    .min(1, 'expected a whole number from 1 to 100')
    .max(100, 'expected a whole number from 1 to 100')
    .default(1),
  subject: subjectTemplate.optional(),
  body: bodyTemplate.optional(),
});

const step = strictObject({
  id: slug,
  wait: wait.optional(),
  subject: subjectTemplate.optional(),
  asks: z.enum(QUALIFICATIONS, { error: `expected one of ${QUALIFICATIONS.join(', ')}` }).optional(),
  body: bodyTemplate,
  outcomes: outcomes.prefault({}),
  variants: z.array(variant, { error: 'expected a list of variants' }).optional(),
});

const lintLevels = strictObject(
  Object.fromEntries(LINT_RULE_IDS.map((id) => [id, z.enum(LINT_LEVELS, { error: `expected ${LINT_LEVELS.join(', ')}` }).optional()])),
);

const senderEntry = strictObject({ name, address: email, reply_to: email.optional() });

export const sequenceSchema = strictObject({
  id: slug,
  name,
  owner: email.optional(),
  // The owner's booking page: offered to reps answering a meeting request. https only: it goes into mail.
  calendar_link: z
    .url({ protocol: /^https$/, error: 'expected an https:// link to a booking page, e.g. https://cal.example.com/dana' })
    .optional(),
  // One of the two: `sender:` one mailbox, or `senders:` a pool from MAILBOXES_FILE
  // (docs/SENDER-POOLS.md; poolSequenceSchema below, and checks.ts refuses both).
  sender: senderEntry,
  senders: z
    .array(senderEntry, { error: 'expected a list of senders, each with name and address' })
    .min(1, 'name at least one sender')
    .optional(),
  audience: audience.prefault({}),
  policy: policy.prefault({}),
  opt_out: optOut.prefault({}),
  html: z.boolean().default(false),
  during_conversation: z
    .enum(DURING_CONVERSATION, {
      error: `expected ${DURING_CONVERSATION.join(' or ')}: hold this sequence's steps while the contact is in a conversation, or send them anyway`,
    })
    .default('hold'),
  outcomes: outcomes.prefault({}),
  referral: referral.optional(),
  lint: lintLevels.prefault({}),
  steps: z.array(step, { error: 'expected a list of steps' }).min(1, 'a sequence needs at least one step'),
});

/** A file with `senders:` (a pool): `sender:` is then not needed. */
export const poolSequenceSchema = sequenceSchema.extend({ sender: senderEntry.optional() });

export type SequenceInput = z.output<typeof poolSequenceSchema>;
