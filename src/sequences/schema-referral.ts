import { z } from 'zod';
import { slug, strictObject } from './schema-fields.ts';
import type { ReferralRule } from './types.ts';

const actions = ['enroll_referred', 'hand_to_rep'] as const;
const originals = z.enum(['stop', 'pause'], {
  error: 'expected stop or pause: what happens to the conversation with the person who referred',
});

/**
 * `referral:` what a reply that names someone else ("please talk to Priya, priya@x") does.
 * `hand_to_rep` is shorthand for `{ action: hand_to_rep }`.
 */
export const referral = z
  .preprocess(
    (value) => (typeof value === 'string' && (actions as readonly string[]).includes(value) ? { action: value } : value),
    z.discriminatedUnion(
      'action',
      [
        strictObject({ action: z.literal('enroll_referred'), sequence: slug, original: originals.optional() }),
        strictObject({ action: z.literal('hand_to_rep'), original: originals.optional() }),
      ],
      {
        error: (issue) =>
          issue.code === 'invalid_union' || issue.code === 'invalid_type'
            ? `expected enroll_referred (with sequence: <id>) or hand_to_rep, e.g. { action: enroll_referred, sequence: referral-intro }`
            : undefined,
      },
    ),
  )
  .transform((input): ReferralRule =>
    input.action === 'enroll_referred'
      ? // The referrer pointed us elsewhere: by default we stop writing to them.
        Object.freeze({ action: input.action, sequenceId: input.sequence, original: input.original ?? 'stop' })
      : // A rep decides what to do with both people: until then the referrer's sequence waits.
        Object.freeze({ action: input.action, original: input.original ?? 'pause' }),
  );
