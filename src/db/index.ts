export { connectDatabase, isDuplicateKey, type Database, type ParleyCollections } from './database.ts';
export type * from './documents.ts';
export { hasOnlyDuplicateKeys, writeErrorIndexes } from './write-errors.ts';
export { claimOf, releaseOf } from './send-claims.ts';
export { queueForRollup } from './rollup-queue.ts';
