export { connectDatabase, insertEachOnce, isDatabaseUnreachable, isDuplicateKey, waitForDatabase, type Database, type DocumentFilter, type ParleyCollections } from './database.ts';
export type * from './documents.ts';
export { hasOnlyDuplicateKeys, writeErrorIndexes } from './write-errors.ts';
export { claimOf, releaseOf } from './send-claims.ts';
export { SESSION_TTL_MS, SessionStore, type SessionDoc } from './session-store.ts';
export { enrollmentStore, type EnrollmentChange, type EnrollmentFields, type EnrollmentStore, type InFlightEnrollment } from './enrollment-store.ts';
export { repStore, type RepStore } from './rep-store.ts';
export { taskStore, type TaskQuery, type TaskSettled, type TaskStore, type TaskViewer } from './task-store.ts';
export {
  mailboxLeaseSlots,
  numberedSlots,
  roundRobinSlots,
  sendClaimSlots,
  slotId,
  taskClaimSlots,
  type NumberedSlots,
  type SlotMaker,
  type SlotShape,
  type TakeResult,
} from './numbered-slots.ts';
export { queueForRollup } from './rollup-queue.ts';
