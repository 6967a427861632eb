import { enrollmentStore, type EnrollmentChange, type EnrollmentDoc, type ParleyCollections } from '../db/index.ts';
import { stopChange, transition, type EnrollmentEvent, type TransitionRefusal } from './lifecycle.ts';

export type ChangeResult =
  /** `landed` false: the guard no longer held when written (someone changed the enrollment first). */
  { ok: true; landed: boolean; change: EnrollmentChange } | { ok: false; refusal: TransitionRefusal };

/**
 * The one way code changes an enrollment's lifecycle: the transition decided on the state the
 * caller read, then written with that state as the guard. A refusal writes nothing.
 */
export async function changeEnrollment(
  db: Pick<ParleyCollections, 'enrollments'>,
  enrollment: Pick<EnrollmentDoc, '_id' | 'status' | 'passedStepIds' | 'softBounces' | 'held'>,
  event: EnrollmentEvent,
  now: Date,
): Promise<ChangeResult> {
  const result = transition(enrollment, event, now);
  if (!result.ok) return result;
  const landed = await enrollmentStore(db).apply(enrollment._id, result.change);
  return { ok: true, landed, change: result.change };
}

/** Stops every enrollment of a contact that may stop for this cause (in one sequence, when given); how many stopped. */
export async function stopContactEnrollments(
  db: Pick<ParleyCollections, 'enrollments'>,
  contactId: string,
  event: Extract<EnrollmentEvent, { kind: 'stopped' }>,
  now: Date,
  options: { sequenceId?: string | undefined } = {},
): Promise<number> {
  return enrollmentStore(db).applyToContact(contactId, stopChange(event, now), options);
}
