/** Contacts and their enrollments in sequences: who is where, and when their next step is due. */
export { enrollContact, enrollContacts, enrollStoredContacts, type EnrollmentOrigin, type EnrollOutcome } from './enroll.ts';
export { normaliseAddress, type ContactInput } from '../contacts/index.ts';
export { nextStep, stepDueTime } from './progress.ts';
export { inFlightFindings, IN_FLIGHT_RULE } from './in-flight.ts';
export { markQualified } from './qualify.ts';
export {
  ALL_STATUSES,
  softBounceRetryAt,
  stopChange,
  stopsFrom,
  transition,
  type EnrollmentEvent,
  type EnrollmentState,
  type RefusalCode,
  type StopCause,
  type TransitionRefusal,
  type TransitionResult,
} from './lifecycle.ts';
export { changeEnrollment, stopContactEnrollments, type ChangeResult } from './change.ts';
