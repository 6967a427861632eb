/** Recurring work shared by the workers (Agenda on MongoDB): the only place that imports agenda. */
export { startRecurringJobs, type RecurringJob, type RecurringJobs } from './recurring.ts';
