/** Contacts: the people Parley writes to, keyed by normalised address; upsert one or many, import from files. */
export { FIELD_NAME, normaliseAddress } from './address.ts';
export { upsertContact, upsertContacts, type ContactInput, type UpsertManyResult } from './upsert.ts';
export { contactFromRecord, readRecords, assertReadable, type FileRow } from './rows.ts';
export { importContacts, type ImportOptions, type ImportProblem, type ImportReport } from './import.ts';
