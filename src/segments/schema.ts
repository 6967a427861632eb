import { z } from 'zod';
import type { EnrollmentStatus } from '../db/index.ts';
import { EVENT_TYPE } from '../events/index.ts';
import { parseWait } from '../sequences/index.ts';
import type { EventCondition, QualificationSignal, Segment, SegmentRule, ValueMatcher } from './types.ts';

/**
 * The shape of a segment YAML file (snake_case, as marketers write it). Every object is strict, so
 * a misspelt key is an error at its own line. A rule is one of: all / any (a list), not (a rule),
 * event, field, qualification, qualified, sequence.
 */
const strict = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `allowed: ${Object.keys(shape).join(', ')}` : undefined),
  });

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, starting with a letter or digit');
const text = z
  .string()
  .regex(/^[^\r\n]*$/, 'must be a single line')
  .refine((s) => s.trim() !== '', 'must not be empty');
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const matcherObject = strict({
  equals: scalar.optional(),
  in: z.array(scalar).min(1, 'list at least one value').optional(),
  starts_with: scalar.optional(),
  contains: scalar.optional(),
  exists: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
}).refine((m) => Object.values(m).some((v) => v !== undefined), 'give a test: equals, in, starts_with, contains, exists, min or max');

/** `url: /pricing` is shorthand for `url: { equals: /pricing }`. */
const matcher = z.union([scalar.transform((equals) => ({ equals })), matcherObject]).transform((m): ValueMatcher => ({
  equals: m.equals,
  in: 'in' in m ? m.in : undefined,
  startsWith: 'starts_with' in m ? m.starts_with : undefined,
  contains: 'contains' in m ? m.contains : undefined,
  exists: 'exists' in m ? m.exists : undefined,
  min: 'min' in m ? m.min : undefined,
  max: 'max' in m ? m.max : undefined,
}));

const stringMatcher = matcher.refine(
  (m) => m.min === undefined && m.max === undefined,
  'min and max compare numbers: use them on qualification team_size',
);

const window = z.string({ error: 'expected a duration like "7 days"' }).transform((value, ctx) => {
  const wait = parseWait(value);
  if (typeof wait === 'string' || wait.kind !== 'duration' || wait.ms === 0) {
    ctx.addIssue({ code: 'custom', message: typeof wait === 'string' ? wait : 'expected a calendar duration like "7 days" or "12 hours"' });
    return z.NEVER;
  }
  return { ms: wait.ms, text: value.trim() };
});

const count = z.int('expected a whole number').nonnegative('must be 0 or more');

const eventRule = strict({
  event: z.string().regex(EVENT_TYPE, 'an event type in lower-case snake_case, like page_visited'),
  where: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'property names are letters, digits and _'), stringMatcher).optional(),
  at_least: count.optional(),
  at_most: count.optional(),
  within: window.optional(),
})
  .refine(
    (r) => r.at_least === undefined || r.at_most === undefined || r.at_least <= r.at_most,
    'at_least is more than at_most: no contact can match',
  )
  .transform((r): EventCondition => ({
    kind: 'event',
    type: r.event,
    where: r.where ?? {},
    // `at_most: 0` alone means "never": then at least 0.
    atLeast: r.at_least ?? (r.at_most !== undefined ? 0 : 1),
    atMost: r.at_most,
    windowMs: r.within?.ms,
    windowText: r.within?.text,
  }));

const FIELDS = ['email', 'first_name', 'last_name', 'company', 'owner', 'time_zone'];
const fieldRule = strict({
  field: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, `a contact field (${FIELDS.join(', ')}) or a custom field name`),
  equals: scalar.optional(),
  in: z.array(scalar).min(1).optional(),
  starts_with: scalar.optional(),
  contains: scalar.optional(),
  exists: z.boolean().optional(),
});

const SIGNALS = ['team_size', 'timeline', 'budget', 'authority', 'main_goal'] as const satisfies readonly QualificationSignal[];
const qualificationRule = strict({
  qualification: z.enum(SIGNALS, { error: `expected one of ${SIGNALS.join(', ')}` }),
  equals: scalar.optional(),
  in: z.array(scalar).min(1).optional(),
  starts_with: scalar.optional(),
  contains: scalar.optional(),
  exists: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const STATUSES = ['active', 'paused', 'stopped', 'completed'] as const satisfies readonly EnrollmentStatus[];
const status = z.enum(STATUSES, { error: `expected ${STATUSES.join(', ')}` });
const sequenceRule = strict({ sequence: slug, status: z.union([status.transform((s) => [s]), z.array(status).min(1)]).optional() });

/** The test written beside `field:` / `qualification:`, as a matcher (exists: true when none is given). */
function inlineMatcher(r: {
  equals?: string | undefined;
  in?: string[] | undefined;
  starts_with?: string | undefined;
  contains?: string | undefined;
  exists?: boolean | undefined;
  min?: number | undefined;
  max?: number | undefined;
}): ValueMatcher {
  const m: ValueMatcher = {
    equals: r.equals,
    in: r.in,
    startsWith: r.starts_with,
    contains: r.contains,
    exists: r.exists,
    min: r.min,
    max: r.max,
  };
  return Object.values(m).some((v) => v !== undefined) ? m : { exists: true };
}

const RULE_KEYS = ['all', 'any', 'not', 'event', 'field', 'qualification', 'qualified', 'sequence'];

/** Chooses the rule's schema by its key, so an error speaks of that kind of rule only. */
const rule: z.ZodType<SegmentRule, unknown> = z.lazy(() =>
  z.unknown().transform((value, ctx): SegmentRule => {
    const key = typeof value === 'object' && value !== null && !Array.isArray(value) ? RULE_KEYS.find((k) => k in value) : undefined;
    const schema: z.ZodType<SegmentRule, unknown> | undefined =
      key === 'all' || key === 'any'
        ? strict({ [key]: z.array(rule).min(1, 'list at least one rule') }).transform((r) => ({
            kind: key,
            rules: (r as Record<string, SegmentRule[]>)[key] ?? [],
          }))
        : key === 'not'
          ? strict({ not: rule }).transform((r) => ({ kind: 'not' as const, rule: r.not }))
          : key === 'event'
            ? eventRule
            : key === 'field'
              ? fieldRule.transform((r) => ({ kind: 'field' as const, name: r.field, test: inlineMatcher(r) }))
              : key === 'qualification'
                ? qualificationRule.transform((r) => ({ kind: 'qualification' as const, signal: r.qualification, test: inlineMatcher(r) }))
                : key === 'qualified'
                  ? strict({ qualified: z.boolean() }).transform((r) => ({ kind: 'qualified' as const, value: r.qualified }))
                  : key === 'sequence'
                    ? sequenceRule.transform((r) => ({ kind: 'sequence' as const, sequenceId: r.sequence, statuses: r.status ?? [] }))
                    : undefined;
    if (!schema) {
      ctx.addIssue({ code: 'custom', message: `expected a rule: one of ${RULE_KEYS.join(', ')}` });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    // Re-raised as they are (unknown keys keep their code, so the problem points at the key).
    for (const issue of parsed.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
    return z.NEVER;
  }),
);

export const segmentSchema = strict({
  id: slug,
  name: text,
  description: z.string().optional(),
  rules: rule,
});

export function toSegment(input: z.output<typeof segmentSchema>, file: string): Segment {
  return Object.freeze({ id: input.id, name: input.name, description: input.description?.trim() || undefined, file, rule: input.rules });
}
