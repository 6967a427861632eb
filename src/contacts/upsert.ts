import { randomUUID } from 'node:crypto';
import { hasOnlyDuplicateKeys, isDuplicateKey, writeErrorIndexes, type ContactDoc, type ParleyCollections } from '../db/index.ts';

/** What Parley needs to know of a contact: its address and the fields templates and timing use. */
export type ContactInput = Pick<ContactDoc, 'email'> &
  Partial<Pick<ContactDoc, 'firstName' | 'lastName' | 'company' | 'timeZone' | 'owner' | 'fields'>>;

/** The standard fields given (not undefined), as a $set. */
function givenFields(input: ContactInput) {
  return {
    ...(input.firstName !== undefined && { firstName: input.firstName }),
    ...(input.lastName !== undefined && { lastName: input.lastName }),
    ...(input.company !== undefined && { company: input.company }),
    ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
    ...(input.owner !== undefined && { owner: input.owner }),
  };
}

/**
 * Creates the contact, or updates the fields given on the existing one (custom fields merge).
 * `input.email` must already be normalised (normaliseAddress).
 */
export async function upsertContact(db: Pick<ParleyCollections, 'contacts'>, input: ContactInput, now: Date): Promise<ContactDoc> {
  const given = givenFields(input);
  // Two writers racing on a new address: the unique email index lets one insert win; the loser
  // retries and finds it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await db.contacts.findOne({ email: input.email });
    if (existing) {
      const fields = { ...existing.fields, ...input.fields };
      await db.contacts.updateOne({ _id: existing._id }, { $set: { ...given, fields, updatedAt: now } });
      return { ...existing, ...given, fields, updatedAt: now };
    }
    const contact: ContactDoc = { _id: randomUUID(), email: input.email, ...given, fields: { ...input.fields }, createdAt: now, updatedAt: now };
    try {
      await db.contacts.insertOne(contact);
      return contact;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  throw new Error(`could not create or find the contact ${input.email}`);
}

const UPDATE_SLICE = 100;

export interface UpsertManyResult {
  created: number;
  updated: number;
  /** Contact id by (normalised) address, for every input. */
  ids: Map<string, string>;
}

/**
 * Many contacts in a few round trips: one read of the addresses, one bulk write. Custom fields
 * merge into the stored ones field by field. Inputs must be normalised and distinct by address.
 * A contact created by someone else between the read and the write is retried one by one.
 */
export async function upsertContacts(db: Pick<ParleyCollections, 'contacts'>, inputs: readonly ContactInput[], now: Date): Promise<UpsertManyResult> {
  const ids = new Map<string, string>();
  if (inputs.length === 0) return { created: 0, updated: 0, ids };
  const existing = await db.contacts
    .find({ email: { $in: inputs.map((c) => c.email) } }, { projection: { _id: 1, email: 1 } })
    .toArray();
  for (const c of existing) ids.set(c.email, c._id);

  const fresh: ContactDoc[] = [];
  const updates = [];
  for (const input of inputs) {
    const id = ids.get(input.email);
    if (id === undefined) {
      const doc: ContactDoc = { _id: randomUUID(), email: input.email, ...givenFields(input), fields: { ...input.fields }, createdAt: now, updatedAt: now };
      fresh.push(doc);
      continue;
    }
    const fieldSets = Object.fromEntries(Object.entries(input.fields ?? {}).map(([k, v]) => [`fields.${k}`, v]));
    updates.push({ updateOne: { filter: { _id: id }, update: { $set: { ...givenFields(input), ...fieldSets, updatedAt: now } } } });
  }
  // In slices: FerretDB v1.24 stops answering an update command of a few hundred statements
  // (seen at 300 here; 100 answer in ~65 ms).
  for (let i = 0; i < updates.length; i += UPDATE_SLICE) await db.contacts.bulkWrite(updates.slice(i, i + UPDATE_SLICE), { ordered: false });

  let created = 0;
  const raced: ContactInput[] = [];
  if (fresh.length > 0) {
    try {
      created = (await db.contacts.insertMany(fresh, { ordered: false })).insertedCount;
    } catch (error) {
      if (!isDuplicateKey(error) && !hasOnlyDuplicateKeys(error)) throw error;
      const failed = new Set(writeErrorIndexes(error));
      created = fresh.length - failed.size;
      for (const i of failed) {
        const doc = fresh[i];
        if (doc) raced.push(inputs.find((c) => c.email === doc.email) ?? doc);
      }
    }
    for (const doc of fresh) ids.set(doc.email, doc._id);
  }
  for (const input of raced) ids.set(input.email, (await upsertContact(db, input, now))._id);
  return { created, updated: updates.length + raced.length, ids };
}
