import { randomUUID } from 'node:crypto';
import { isDuplicateKey, type ParleyCollections, type ContactDoc } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import type { Sequence } from '../sequences/index.ts';
import { stepDueTime } from './progress.ts';

/** What enrolling needs to know of a contact: its address and the fields templates and timing use. */
export type ContactInput = Pick<ContactDoc, 'email'> &
  Partial<Pick<ContactDoc, 'firstName' | 'lastName' | 'company' | 'timeZone' | 'owner' | 'fields'>>;

export type EnrollOutcome =
  | { email: string; outcome: 'enrolled'; enrollmentId: string; firstStepAt: Date }
  | { email: string; outcome: 'already_enrolled'; enrollmentId: string }
  | { email: string; outcome: 'suppressed'; reason: string };

// Deliberately permissive (the SMTP server has the last word); it catches typos like a missing @.
const ADDRESS = /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function normaliseAddress(email: string): string {
  const address = email.trim().toLowerCase();
  if (!ADDRESS.test(address)) {
    throw new ParleyError(ErrorCodes.CONTACT_ADDRESS_INVALID, `"${email}" is not an email address; fix or remove it.`);
  }
  return address;
}

/**
 * Creates (or updates) each contact and enrolls it in the sequence; the first step is due after
 * the first step's wait. Enrolling twice is harmless: one enrollment per contact and sequence.
 * Every address is checked before anything is written, so a typo enrolls nobody.
 */
export async function enrollContacts(
  db: ParleyCollections,
  sequence: Sequence,
  contacts: readonly ContactInput[],
  now: Date = new Date(),
): Promise<EnrollOutcome[]> {
  const checked = contacts.map((c) => ({ ...c, email: normaliseAddress(c.email) }));
  const outcomes: EnrollOutcome[] = [];
  for (const input of checked) {
    const contact = await upsertContact(db, input, now);
    if (contact.suppressed) {
      outcomes.push({ email: contact.email, outcome: 'suppressed', reason: contact.suppressed.reason });
      continue;
    }
    const first = sequence.steps[0];
    if (!first) continue;
    const firstStepAt = stepDueTime(sequence, first, now, contact.timeZone);
    const enrollmentId = randomUUID();
    try {
      await db.enrollments.insertOne({
        _id: enrollmentId,
        contactId: contact._id,
        email: contact.email,
        sequenceId: sequence.id,
        status: 'active',
        passedStepIds: [],
        skippedSteps: [],
        nextStepAt: firstStepAt,
        threadMessageIds: [],
        enrolledAt: now,
        updatedAt: now,
      });
      outcomes.push({ email: contact.email, outcome: 'enrolled', enrollmentId, firstStepAt });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await db.enrollments.findOne({ contactId: contact._id, sequenceId: sequence.id });
      outcomes.push({ email: contact.email, outcome: 'already_enrolled', enrollmentId: existing?._id ?? '' });
    }
  }
  return outcomes;
}

async function upsertContact(db: ParleyCollections, input: ContactInput, now: Date): Promise<ContactDoc> {
  const given = {
    ...(input.firstName !== undefined && { firstName: input.firstName }),
    ...(input.lastName !== undefined && { lastName: input.lastName }),
    ...(input.company !== undefined && { company: input.company }),
    ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
    ...(input.owner !== undefined && { owner: input.owner }),
  };
  // Two enrollers racing on a new address: the unique email index lets one insert win; the loser
  // retries and finds it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await db.contacts.findOne({ email: input.email });
    if (existing) {
      const fields = { ...existing.fields, ...input.fields };
      await db.contacts.updateOne({ _id: existing._id }, { $set: { ...given, fields, updatedAt: now } });
      return { ...existing, ...given, fields, updatedAt: now };
    }
    const contact: ContactDoc = {
      _id: randomUUID(),
      email: input.email,
      ...given,
      fields: { ...input.fields },
      createdAt: now,
      updatedAt: now,
    };
    try {
      await db.contacts.insertOne(contact);
      return contact;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  throw new Error(`could not create or find the contact ${input.email}`);
}
