import type { Template } from 'liquidjs';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { describeLiquidError, engine, parseTemplate } from './liquid.ts';
import type { RenderedStep, Sequence, SequenceStep, TemplateContact } from './types.ts';

type Field = 'subject' | 'body';

/** Parsed templates per step; steps from parseSequence are frozen, so a parse stays valid. */
const parsed = new WeakMap<SequenceStep, Map<Field, Template[]>>();

/**
 * Renders one step for one contact. Step 0 and any later step with its own subject start a
 * thread; a later step without one replies in step 0's thread as "Re: <step 0 subject>".
 * Throws ParleyError TEMPLATE_RENDER_FAILED when a template can't render; RangeError for a
 * step index the sequence doesn't have (a caller bug).
 */
export async function renderStep(sequence: Sequence, stepIndex: number, contact: TemplateContact): Promise<RenderedStep> {
  const step = sequence.steps[stepIndex];
  if (step === undefined) throw new RangeError(`sequence '${sequence.id}' has no step ${stepIndex}`);
  const scope = templateScope(contact);
  const text = await render(sequence, step, 'body', scope);
  if (step.subject !== undefined) return { subject: oneLine(await render(sequence, step, 'subject', scope)), text, isReply: false };

  const first = sequence.steps[0];
  if (first === undefined || first.subject === undefined) {
    throw renderError(sequence, step, 'subject', 'step 0 has no subject to reply to');
  }
  const original = oneLine(await render(sequence, first, 'subject', scope));
  return { subject: /^re:/i.test(original) ? original : `Re: ${original}`, text, isReply: true };
}

/** Custom fields first, so the standard names always come from the contact itself. */
function templateScope(contact: TemplateContact): Record<string, string | undefined> {
  return {
    ...contact.fields,
    email: contact.email,
    first_name: contact.firstName,
    last_name: contact.lastName,
    company: contact.company,
  };
}

async function render(sequence: Sequence, step: SequenceStep, field: Field, scope: object): Promise<string> {
  try {
    const output: unknown = await engine.render(templateOf(step, field), scope);
    return String(output);
  } catch (error) {
    throw renderError(sequence, step, field, describeLiquidError(error), error);
  }
}

function templateOf(step: SequenceStep, field: Field): Template[] {
  let byField = parsed.get(step);
  if (byField === undefined) parsed.set(step, (byField = new Map()));
  let templates = byField.get(field);
  if (templates === undefined) byField.set(field, (templates = parseTemplate(step[field] ?? '')));
  return templates;
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
