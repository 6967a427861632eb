/** Contacts and their enrollments in sequences: who is where, and when their next step is due. */
export { enrollContacts, normaliseAddress, type ContactInput, type EnrollOutcome } from './enroll.ts';
export { nextStep, stepDueTime } from './progress.ts';
export { inFlightFindings, IN_FLIGHT_RULE } from './in-flight.ts';
