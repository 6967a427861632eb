import { contactZone, stepDueAt } from '../schedule/index.ts';
import type { Sequence, SequenceStep } from '../sequences/index.ts';

/**
 * The step an enrollment takes next: the first step after the last one it has passed. Tracking
 * ids rather than positions keeps contacts in place when a live sequence is edited: removed steps
 * are simply gone, and steps inserted before a contact's place are not sent to it.
 */
export function nextStep(sequence: Sequence, passedStepIds: readonly string[]): SequenceStep | undefined {
  const passed = new Set(passedStepIds);
  let lastPassed = -1;
  for (const step of sequence.steps) if (passed.has(step.id)) lastPassed = step.index;
  return sequence.steps[lastPassed + 1];
}

/**
 * When a step is due for a contact: the step's wait after `after` (enrollment, or the previous
 * step), moved into the sequence's send window in the contact's zone. The worker, the preview and
 * the simulation all call this one function, so what a marketer previews is what goes out.
 */
export function stepDueTime(sequence: Sequence, step: SequenceStep, after: Date, contactTimeZone: string | undefined): Date {
  return stepDueAt(after, step.wait, contactZone(contactTimeZone, sequence.policy), sequence.policy);
}
