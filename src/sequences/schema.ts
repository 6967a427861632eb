import ms from 'ms';
import { z } from 'zod';
import { describeLiquidError, parseTemplate } from './liquid.ts';

/**
 * The shape of a sequence YAML file. Every object is strict so a misspelt field ("subjcet") is an
 * error rather than silently ignored; the error message lists the allowed fields.
 */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  // Only the "allowed: …" tail: parse.ts reports each unknown key at its own position.
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `allowed: ${allowed}` : undefined),
  });
}

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, starting with a letter or digit');

const singleLine = z.string().regex(/^[^\r\n]*$/, 'must be a single line');
const nonBlank = (s: string) => s.trim() !== '';

/** Fails the field when its text isn't a valid Liquid template. */
function checkTemplate(source: string, ctx: z.RefinementCtx): void {
  try {
    parseTemplate(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `template error: ${describeLiquidError(error)}` });
  }
}

/** Milliseconds for a wait like "3 days" or "12h", or a message saying what is wrong with it. */
function parseWait(text: string): number | string {
  const trimmed = text.trim();
  const example = 'write it like "3 days", "12 hours" or "30m"';
  // ms reads a bare "3" as 3 milliseconds, which nobody writing a sequence means.
  if (/^[+-]?\d+(\.\d+)?$/.test(trimmed) && Number(trimmed) !== 0) return `"${text}" has no unit; ${example}`;
  const value: number | undefined = trimmed === '' ? undefined : ms(trimmed as ms.StringValue);
  if (value === undefined || !Number.isFinite(value)) return `can't read "${text}" as a duration; ${example}`;
  if (value < 0) return `"${text}" is negative; a wait must be zero or more`;
  return value;
}

const wait = z.string({ error: 'expected a duration such as "3 days"' }).transform((text, ctx) => {
  const result = parseWait(text);
  if (typeof result === 'number') return result;
  ctx.addIssue({ code: 'custom', message: result });
  return z.NEVER;
});

const step = strictObject({
  id: slug,
  wait: wait.optional(),
  subject: singleLine.refine(nonBlank, 'must not be empty').superRefine(checkTemplate).optional(),
  body: z.string().refine(nonBlank, 'must not be empty').superRefine(checkTemplate),
});

export const sequenceSchema = strictObject({
  id: slug,
  name: singleLine.refine(nonBlank, 'must not be empty'),
  sender: strictObject({
    name: singleLine.refine(nonBlank, 'must not be empty'),
    address: z.email('expected an email address like dana@example.com').transform((a) => a.toLowerCase()),
  }),
  steps: z.array(step, { error: 'expected a list of steps' }).min(1, 'a sequence needs at least one step'),
});

export type SequenceInput = z.output<typeof sequenceSchema>;
