import type { Template } from 'liquidjs';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { describeLiquidError, engine, parseTemplate } from './liquid.ts';
import type { Sequence, SequenceStep, StepRendering, TemplateContact } from './types.ts';
import { type TemplateVariable, templateVariablesOf } from './variables.ts';
import { variantStep } from './variants.ts';

type Field = 'subject' | 'body';

/** The variable that places the opt-out sentence; always "filled" (with '' when the sentence is off). */
const OPT_OUT = 'opt_out';

interface ParsedField {
  templates: Template[];
  variables: TemplateVariable[];
}

/** Parsed templates per step; steps from parseSequence are frozen, so a parse stays valid. */
const parsed = new WeakMap<SequenceStep, Map<Field, ParsedField>>();

/**
 * Renders one step for one contact. Step 0 and any later step with its own subject start a
 * thread; a later step without one replies in step 0's thread as "Re: <step 0 subject>".
 * `ok: false` when a variable without fallback has no value for this contact, so no one gets
 * "Hi ,". Throws ParleyError TEMPLATE_RENDER_FAILED when a template can't render; RangeError for
 * a step index the sequence doesn't have (a caller bug).
 */
export async function renderStep(
  sequence: Sequence,
  stepIndex: number,
  contact: TemplateContact,
  /** The A/B variant to write (variants.ts chooseVariant); the step's own text when undefined. */
  variantId?: string,
): Promise<StepRendering> {
  const own = sequence.steps[stepIndex];
  if (own === undefined) throw new RangeError(`sequence '${sequence.id}' has no step ${stepIndex}`);
  const step = variantStep(own, variantId);
  const first = sequence.steps[0];
  const subjectStep = step.subject !== undefined ? step : first;
  if (subjectStep === undefined || subjectStep.subject === undefined) {
    throw renderError(sequence, step, 'subject', 'step 0 has no subject to reply to');
  }

  const scope = templateScope(contact, sequence.optOut.sentence);
  const missing = missingVariables([fieldOf(sequence, subjectStep, 'subject'), fieldOf(sequence, step, 'body')], scope);
  if (missing.length > 0) return { ok: false, unfillable: { missing } };

  const body = await render(sequence, step, 'body', scope);
  const placesOptOut = fieldOf(sequence, step, 'body').variables.some((v) => v.name === OPT_OUT);
  const sentence = sequence.optOut.sentence;
  // The sentence goes after a blank line, where a P.S. reads naturally.
  const text = sentence === '' || placesOptOut ? body : `${body.trimEnd()}\n\n${sentence}\n`;

  const subject = oneLine(await render(sequence, subjectStep, 'subject', scope));
  if (subjectStep === step) return { ok: true, rendered: { subject, text, isReply: false } };
  return { ok: true, rendered: { subject: /^re:/i.test(subject) ? subject : `Re: ${subject}`, text, isReply: true } };
}

/**
 * Every variable of a sequence's templates, per step and field, for lint. A name used several
 * times in one field is listed once; it has a fallback only if every use does.
 */
export function templateVariables(sequence: Sequence): Array<{ stepIndex: number; field: Field; name: string; hasFallback: boolean }> {
  return sequence.steps.flatMap((step) =>
    (['subject', 'body'] as const)
      .filter((field) => step[field] !== undefined)
      .flatMap((field) => fieldOf(sequence, step, field).variables.map((v) => ({ stepIndex: step.index, field, ...v }))),
  );
}

/**
 * Custom fields first, so the standard names always come from the contact itself. Blank values
 * count as absent, so `default` applies to them and they are reported as missing.
 */
function templateScope(contact: TemplateContact, optOutSentence: string): Scope {
  const flat: Record<string, string | undefined> = {
    ...contact.fields,
    email: contact.email,
    first_name: contact.firstName,
    last_name: contact.lastName,
    company: contact.company,
  };
  for (const [name, value] of Object.entries(flat)) flat[name] = value?.trim() || undefined;
  flat[OPT_OUT] = optOutSentence;
  return { ...flat, ...referrerOf(flat) };
}

/** Template values: a contact's fields, and `referrer` (an object) for someone enrolled from a referral. */
type Scope = Record<string, string | Readonly<Record<string, string>> | undefined>;

/** Fields `referrer_<x>` (stored flat: the database refuses dotted keys) read as {{ referrer.<x> }}. */
const REFERRER_PREFIX = 'referrer_';

/**
 * The person who referred this contact, as `{{ referrer.first_name }}`, `{{ referrer.name }}`,
 * `{{ referrer.email }}`, `{{ referrer.company }}`; absent unless the contact's enrollment came
 * from a referral, so a template without a fallback skips the step rather than print a blank.
 */
function referrerOf(fields: Record<string, string | undefined>): { referrer?: Readonly<Record<string, string>> } {
  const entries = Object.entries(fields).flatMap(([k, v]) =>
    k.startsWith(REFERRER_PREFIX) && v ? [[k.slice(REFERRER_PREFIX.length), v]] : [],
  );
  const referrer = Object.fromEntries(entries) as Record<string, string>;
  // first_name is what a sentence like "{{ referrer.first_name }} suggested I write" needs.
  return referrer.first_name ? { referrer: Object.freeze(referrer) } : {};
}

function missingVariables(fields: ParsedField[], scope: Scope): string[] {
  const names = fields.flatMap((f) => f.variables).filter((v) => !v.hasFallback && v.name !== OPT_OUT && scope[v.name] === undefined);
  return [...new Set(names.map((v) => v.name))];
}

async function render(sequence: Sequence, step: SequenceStep, field: Field, scope: object): Promise<string> {
  try {
    const output: unknown = await engine.render(fieldOf(sequence, step, field).templates, scope);
    return String(output);
  } catch (error) {
    throw renderError(sequence, step, field, describeLiquidError(error), error);
  }
}

function fieldOf(sequence: Sequence, step: SequenceStep, field: Field): ParsedField {
  let byField = parsed.get(step);
  if (byField === undefined) parsed.set(step, (byField = new Map<Field, ParsedField>()));
  let entry = byField.get(field);
  if (entry === undefined) {
    try {
      const templates = parseTemplate(step[field] ?? '');
      entry = { templates, variables: templateVariablesOf(templates) };
    } catch (error) {
      // Only a sequence built in code gets here: parseSequence already checked every template.
      throw renderError(sequence, step, field, describeLiquidError(error), error);
    }
    byField.set(field, entry);
  }
  return entry;
}

/** A subject is one header line; contact data with line breaks must not split it (RFC 5322 §2.2). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function renderError(sequence: Sequence, step: SequenceStep, field: Field, problem: string, cause?: unknown): ParleyError {
  return new ParleyError(
    ErrorCodes.TEMPLATE_RENDER_FAILED,
    `Can't render the ${field} of step ${step.index} ('${step.id}') in sequence '${sequence.id}' (${sequence.file}): ${problem}. Fix the template and reload the sequence.`,
    { cause },
  );
}
