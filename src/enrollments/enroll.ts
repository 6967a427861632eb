import { randomUUID } from 'node:crypto';
import { normaliseAddress, upsertContacts, type ContactInput } from '../contacts/index.ts';
import { contactStore, enrollmentStore, type ContactDoc, type EnrollmentDoc, type ParleyCollections } from '../db/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { stepDueTime } from './progress.ts';

export type EnrollOutcome =
  | { email: string; outcome: 'enrolled'; enrollmentId: string; firstStepAt: Date }
  | { email: string; outcome: 'already_enrolled'; enrollmentId: string }
  | { email: string; outcome: 'suppressed'; reason: string };

/** How an enrollment came about, for enrollContact. */
export interface EnrollmentOrigin {
  /** 1 unless a segment audience allows re-entry: then the contact's entry number. */
  round?: number;
  source?: NonNullable<EnrollmentDoc['source']>;
  /** Template variables from what brought the contact in. */
  context?: Record<string, string>;
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
  // Contacts are written and read back a slice at a time: one query per slice rather than one per
  // address, which on FerretDB v1 would scan the contacts once per address.
  for (let i = 0; i < checked.length; i += ENROLL_SLICE) {
    const slice = checked.slice(i, i + ENROLL_SLICE);
    const { ids } = await upsertContacts(db, slice, now);
    const stored = new Map((await contactStore(db).getMany([...new Set(ids.values())])).map((c) => [c._id, c]));
    for (const input of slice) {
      const contact = stored.get(ids.get(input.email) ?? '');
      if (!contact) throw new Error(`bug: the contact ${input.email} was upserted but cannot be read back`);
      const outcome = await enrollContact(db, sequence, contact, now);
      if (outcome) outcomes.push(outcome);
    }
  }
  return outcomes;
}

const ENROLL_SLICE = 1_000;

type EnrollableContact = Pick<ContactDoc, '_id' | 'email' | 'timeZone' | 'suppressed'>;

/** The enrollment a stored contact gets, or the outcome that stands instead (suppressed; undefined for a sequence without steps). */
function newEnrollment(
  sequence: Sequence,
  contact: EnrollableContact,
  now: Date,
  origin: EnrollmentOrigin,
): { doc: EnrollmentDoc; firstStepAt: Date } | { outcome: EnrollOutcome | undefined } {
  if (contact.suppressed) return { outcome: { email: contact.email, outcome: 'suppressed', reason: contact.suppressed.reason } };
  const first = sequence.steps[0];
  if (!first) return { outcome: undefined };
  const firstStepAt = stepDueTime(sequence, first, now, contact.timeZone);
  const doc: EnrollmentDoc = {
    _id: randomUUID(),
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
    round: origin.round ?? 1,
    source: origin.source ?? { kind: 'manual' },
    ...(origin.context && { context: origin.context }),
  };
  return { doc, firstStepAt };
}

/**
 * Enrolls one stored contact. The unique index on contact, sequence and round is the guard: two
 * callers at once (two workers seeing the same segment entry) enroll it once.
 */
export async function enrollContact(
  db: Pick<ParleyCollections, 'enrollments'>,
  sequence: Sequence,
  contact: EnrollableContact,
  now: Date,
  origin: EnrollmentOrigin = {},
): Promise<EnrollOutcome | undefined> {
  const enrollment = newEnrollment(sequence, contact, now, origin);
  if ('outcome' in enrollment) return enrollment.outcome;
  const { doc, firstStepAt } = enrollment;
  const store = enrollmentStore(db);
  if ((await store.insert(doc)) === 'inserted') return { email: contact.email, outcome: 'enrolled', enrollmentId: doc._id, firstStepAt };
  const existing = await store.findRound(contact._id, sequence.id, doc.round ?? 1);
  return { email: contact.email, outcome: 'already_enrolled', enrollmentId: existing?._id ?? '' };
}

/**
 * enrollContact for many stored contacts of one sequence in one write (a slice of a segment
 * refresh), with the same guard: the unique index enrolls each contact once per round, however
 * many callers try. Returns how many were enrolled now (the others are suppressed or were enrolled
 * already).
 */
export async function enrollStoredContacts(
  db: Pick<ParleyCollections, 'enrollments'>,
  sequence: Sequence,
  entries: ReadonlyArray<{ contact: EnrollableContact; origin: EnrollmentOrigin }>,
  now: Date,
): Promise<number> {
  const docs = entries.flatMap(({ contact, origin }) => {
    const enrollment = newEnrollment(sequence, contact, now, origin);
    return 'doc' in enrollment ? [enrollment.doc] : [];
  });
  const results = await enrollmentStore(db).insertEach(docs);
  return results.filter((r) => r === 'inserted').length;
}
