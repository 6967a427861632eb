import { contactStore, type ContactDoc, type ContactInput, type ParleyCollections, type UpsertManyResult } from '../db/index.ts';

export type { ContactInput, UpsertManyResult } from '../db/index.ts';

/**
 * Creates the contact, or updates the fields given on the existing one (custom fields merge).
 * `input.email` must already be normalised (normaliseAddress).
 */
export function upsertContact(db: Pick<ParleyCollections, 'contacts'>, input: ContactInput, now: Date): Promise<ContactDoc> {
  return contactStore(db).upsert(input, now);
}

/** Many contacts in a few round trips; inputs normalised and distinct by address (see ContactStore.upsertMany). */
export function upsertContacts(
  db: Pick<ParleyCollections, 'contacts'>,
  inputs: readonly ContactInput[],
  now: Date,
): Promise<UpsertManyResult> {
  return contactStore(db).upsertMany(inputs, now);
}
