import { createHash } from 'node:crypto';
import type { SequenceStep, StepVariant } from './types.ts';

/** The step as one variant writes it; cached so renderStep's per-step template cache keeps working. */
const asSteps = new WeakMap<StepVariant, SequenceStep>();

/**
 * Which variant of a step an enrollment gets: a hash of enrollment and step ids placed over the
 * weights. Deterministic, so a resend after a crash (or on another worker) writes the same text;
 * undefined for a step without variants.
 */
export function chooseVariant(step: SequenceStep, enrollmentId: string): StepVariant | undefined {
  const variants = step.variants ?? [];
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (total === 0) return undefined;
  let point = unitHash(`${enrollmentId}:${step.id}`) * total;
  for (const variant of variants) {
    point -= variant.weight;
    if (point < 0) return variant;
  }
  return variants.at(-1);
}

/** The step with a variant's subject and body; the step itself for undefined or a variant it lacks. */
export function variantStep(step: SequenceStep, variantId: string | undefined): SequenceStep {
  const variant = step.variants?.find((v) => v.id === variantId);
  if (variant === undefined) return step;
  let asStep = asSteps.get(variant);
  if (asStep === undefined) {
    asStep = Object.freeze({ ...step, subject: variant.subject, body: variant.body });
    asSteps.set(variant, asStep);
  }
  return asStep;
}

/** A number in [0, 1) from the first 48 bits of SHA-256: uniform, and the same on every machine. */
function unitHash(text: string): number {
  const digest = createHash('sha256').update(text).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
