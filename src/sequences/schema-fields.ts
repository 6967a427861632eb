import { z } from 'zod';
import { describeLiquidError, parseTemplate } from './liquid.ts';
import { parseWait } from './wait.ts';

/**
 * Every object in a sequence file is strict so a misspelt field ("subjcet") is an error rather
 * than silently ignored; the error lists the allowed fields (by default, the shape's keys).
 */
export function strictObject<T extends z.ZodRawShape>(shape: T, allowed: readonly string[] = Object.keys(shape)) {
  // Only the "allowed: …" tail: parse.ts reports each unknown key at its own position.
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `allowed: ${allowed.join(', ')}` : undefined),
  });
}

export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, starting with a letter or digit');

export const singleLine = z.string().regex(/^[^\r\n]*$/, 'must be a single line');
export const nonBlank = (s: string) => s.trim() !== '';
export const name = singleLine.refine(nonBlank, 'must not be empty');

/** Lower-cased: addresses are compared with the From of replies, which any case may spell. */
export const email = z.email('expected an email address like dana@example.com').transform((a) => a.toLowerCase());

/** Fails the field when its text isn't a valid Liquid template, so a typo fails at load, not at send. */
function checkTemplate(source: string, ctx: z.RefinementCtx): void {
  try {
    parseTemplate(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `template error: ${describeLiquidError(error)}` });
  }
}

export const subjectTemplate = singleLine.refine(nonBlank, 'must not be empty').superRefine(checkTemplate);
export const bodyTemplate = z.string().refine(nonBlank, 'must not be empty').superRefine(checkTemplate);

/** A wait such as "3 days" or "2 business days" (see wait.ts). */
export const wait = z.unknown().transform((value, ctx) => {
  const result = parseWait(value);
  if (typeof result !== 'string') return result;
  ctx.addIssue({ code: 'custom', message: result });
  return z.NEVER;
});
