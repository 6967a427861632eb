/** Contacts and their enrollments in sequences. */
export { enrollContacts, normaliseAddress, type ContactInput, type EnrollOutcome } from './enroll.ts';
