import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { isDuplicateKey } from './database.ts';
import type { ContactDoc, Suppression } from './documents.ts';
import { hasOnlyDuplicateKeys, writeErrorIndexes } from './write-errors.ts';

/** What Parley needs to know of a contact: its address and the fields templates and timing use. */
export type ContactInput = Pick<ContactDoc, 'email'> &
  Partial<Pick<ContactDoc, 'firstName' | 'lastName' | 'company' | 'timeZone' | 'owner' | 'fields'>>;

export interface UpsertManyResult {
  created: number;
  updated: number;
  /** Contact id by (normalised) address, for every input. */
  ids: Map<string, string>;
}

/** What segment rules read of a contact (src/segments). */
export type SegmentContactRecord = Pick<
  ContactDoc,
  '_id' | 'email' | 'firstName' | 'lastName' | 'company' | 'owner' | 'timeZone' | 'fields' | 'qualification' | 'qualified' | 'suppressed'
>;

/** The fields of SegmentContactRecord: the projection of every segment read. */
const SEGMENT_CONTACT_FIELDS = {
  email: 1,
  firstName: 1,
  lastName: 1,
  company: 1,
  owner: 1,
  timeZone: 1,
  fields: 1,
  qualification: 1,
  qualified: 1,
  suppressed: 1,
} as const;

/** What the unsubscribe page shows of a contact. */
export type MailingStatus = Pick<ContactDoc, '_id' | 'email' | 'suppressed' | 'lifts'>;

export interface SuppressOutcome {
  /** False when no contact has this id. */
  found: boolean;
  /** True when this call set the suppression; false when an earlier one was already there. */
  suppressedNow: boolean;
  /** The suppression stored on the contact: this one, or the earlier one that stays. */
  suppression: Suppression | undefined;
}

/**
 * Contacts (`contacts`): one per address (lower-cased; callers normalise it), unique by the
 * `{email}` index, which serves reads by address; reads by id use the `_id` index. Reads of many
 * ids are one `$in` query, never an empty one (FerretDB v1 scans the whole collection for it).
 *
 * The writes that must keep the first word (a suppression, the qualification) are update
 * filters: on MongoDB they are atomic, on FerretDB v1 not (STACK-NOTES), so two simultaneous
 * first writes may both land; they differ only in time and source. Creating a contact is the
 * one once-only write: the unique address index lets exactly one of two racing inserts win.
 */
export interface ContactStore {
  get(id: string): Promise<ContactDoc | null>;
  /** The contact with this (normalised) address; served by the `{email}` index. */
  getByEmail(email: string): Promise<ContactDoc | null>;
  /** The contacts with these ids (missing ones left out), in no particular order. */
  getMany(ids: readonly string[]): Promise<ContactDoc[]>;
  /** Address by id, for these ids (missing ones left out). */
  emailsOf(ids: readonly string[]): Promise<Map<string, string>>;
  /** A contact's address and whether it opted out: what an unsubscribe link shows. */
  mailingStatus(id: string): Promise<MailingStatus | null>;
  /** Creates the contact, or updates the fields given on the existing one (custom fields merge). `input.email` must be normalised. */
  upsert(input: ContactInput, now: Date): Promise<ContactDoc>;
  /**
   * Many contacts in a few round trips: one read of the addresses, one bulk write. Custom fields
   * merge into the stored ones field by field. Inputs must be normalised and distinct by address.
   * A contact created by someone else between the read and the write is retried one by one.
   */
  upsertMany(inputs: readonly ContactInput[], now: Date): Promise<UpsertManyResult>;
  /** Parley never writes to the contact again. The first suppression stays; see SuppressOutcome. */
  suppress(id: string, suppression: Suppression, now: Date): Promise<SuppressOutcome>;
  /**
   * Lifts the suppression stored at `at`, and the hard bounce's mark with it, and sets the count
   * of lifts to `lifts`; a newer suppression (the contact opted out again meanwhile) stays. True
   * when this call removed it.
   */
  lift(id: string, at: Date, lifts: number, now: Date): Promise<boolean>;
  /** A hard bounce: the address receives no mail. */
  markUndeliverable(id: string, undeliverable: NonNullable<ContactDoc['undeliverable']>, now: Date): Promise<void>;
  /** Marks the contact qualified; the first time stays. */
  markQualified(id: string, qualified: NonNullable<ContactDoc['qualified']>, now: Date): Promise<void>;
  /** Replaces what replies revealed about the contact (the caller merges it with the stored one). */
  recordQualification(id: string, qualification: NonNullable<ContactDoc['qualification']>, now: Date): Promise<void>;

  /** What segment rules read of the contact with this (normalised) address; null when there is none. */
  segmentContactByEmail(email: string): Promise<SegmentContactRecord | null>;
  /** What segment rules read of these contacts (missing ones left out), in no particular order. */
  segmentContacts(ids: readonly string[]): Promise<SegmentContactRecord[]>;
  /**
   * What segment rules read of every contact, in one streamed pass of `batchSize` per round trip
   * (a whole collection read: FerretDB serves no range on `_id` from an index, so it is not cut
   * by id range). Each contact comes once.
   */
  allSegmentContacts(batchSize: number): AsyncIterable<SegmentContactRecord>;
}

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

const newContact = (input: ContactInput, now: Date): ContactDoc => ({
  _id: randomUUID(),
  email: input.email,
  ...givenFields(input),
  fields: { ...input.fields },
  createdAt: now,
  updatedAt: now,
});

/** FerretDB v1.24 stops answering an update command of a few hundred statements (seen at 300; 100 answer in ~65 ms). */
const UPDATE_SLICE = 100;

export function contactStore(collections: { contacts: Collection<ContactDoc> }): ContactStore {
  const { contacts } = collections;

  async function upsert(input: ContactInput, now: Date): Promise<ContactDoc> {
    const given = givenFields(input);
    // Two writers racing on a new address: the unique email index lets one insert win; the loser
    // retries and finds it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await contacts.findOne({ email: input.email });
      if (existing) {
        const fields = { ...existing.fields, ...input.fields };
        await contacts.updateOne({ _id: existing._id }, { $set: { ...given, fields, updatedAt: now } });
        return { ...existing, ...given, fields, updatedAt: now };
      }
      const contact = newContact(input, now);
      try {
        await contacts.insertOne(contact);
        return contact;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new Error(`could not create or find the contact ${input.email}`);
  }

  return {
    get: (id) => contacts.findOne({ _id: id }),
    getByEmail: (email) => contacts.findOne({ email }),
    getMany: async (ids) => (ids.length === 0 ? [] : contacts.find({ _id: { $in: [...ids] } }).toArray()),
    async emailsOf(ids) {
      if (ids.length === 0) return new Map();
      const found = await contacts.find({ _id: { $in: [...ids] } }, { projection: { email: 1 } }).toArray();
      return new Map(found.map((c) => [c._id, c.email]));
    },
    mailingStatus: (id) => contacts.findOne({ _id: id }, { projection: { email: 1, suppressed: 1, lifts: 1 } }),
    upsert,
    async upsertMany(inputs, now) {
      const ids = new Map<string, string>();
      if (inputs.length === 0) return { created: 0, updated: 0, ids };
      const existing = await contacts.find({ email: { $in: inputs.map((c) => c.email) } }, { projection: { _id: 1, email: 1 } }).toArray();
      for (const c of existing) ids.set(c.email, c._id);

      const fresh: ContactDoc[] = [];
      const updates: AnyBulkWriteOperation<ContactDoc>[] = [];
      for (const input of inputs) {
        const id = ids.get(input.email);
        if (id === undefined) {
          fresh.push(newContact(input, now));
          continue;
        }
        const fieldSets = Object.fromEntries(Object.entries(input.fields ?? {}).map(([k, v]) => [`fields.${k}`, v]));
        updates.push({ updateOne: { filter: { _id: id }, update: { $set: { ...givenFields(input), ...fieldSets, updatedAt: now } } } });
      }
      for (let i = 0; i < updates.length; i += UPDATE_SLICE)
        await contacts.bulkWrite(updates.slice(i, i + UPDATE_SLICE), { ordered: false });

      let created = 0;
      const raced: ContactInput[] = [];
      if (fresh.length > 0) {
        try {
          created = (await contacts.insertMany(fresh, { ordered: false })).insertedCount;
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
      for (const input of raced) ids.set(input.email, (await upsert(input, now))._id);
      return { created, updated: updates.length + raced.length, ids };
    },
    async suppress(id, suppression, now) {
      const marked = await contacts.updateOne(
        // null too: the driver stores a `suppressed: undefined` written by anyone as null.
        { _id: id, $or: [{ suppressed: { $exists: false } }, { suppressed: { $type: 'null' } }] },
        { $set: { suppressed: suppression, updatedAt: now } },
      );
      if (marked.modifiedCount === 1) return { found: true, suppressedNow: true, suppression };
      const contact = await contacts.findOne({ _id: id }, { projection: { suppressed: 1 } });
      return { found: contact !== null, suppressedNow: false, suppression: contact?.suppressed ?? undefined };
    },
    async lift(id, at, lifts, now) {
      const lifted = await contacts.updateOne(
        { _id: id, 'suppressed.at': at },
        { $unset: { suppressed: '', undeliverable: '' }, $set: { lifts, updatedAt: now } },
      );
      return lifted.modifiedCount === 1;
    },
    async markUndeliverable(id, undeliverable, now) {
      await contacts.updateOne({ _id: id }, { $set: { undeliverable, updatedAt: now } });
    },
    async markQualified(id, qualified, now) {
      await contacts.updateOne({ _id: id, qualified: { $exists: false } }, { $set: { qualified, updatedAt: now } });
    },
    async recordQualification(id, qualification, now) {
      await contacts.updateOne({ _id: id }, { $set: { qualification, updatedAt: now } });
    },
    segmentContactByEmail: (email) => contacts.findOne<SegmentContactRecord>({ email }, { projection: SEGMENT_CONTACT_FIELDS }),
    segmentContacts: async (ids) =>
      ids.length === 0
        ? []
        : contacts.find<SegmentContactRecord>({ _id: { $in: [...ids] } }, { projection: SEGMENT_CONTACT_FIELDS }).toArray(),
    allSegmentContacts: (batchSize) => contacts.find<SegmentContactRecord>({}, { projection: SEGMENT_CONTACT_FIELDS, batchSize }),
  };
}
