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

/**
 * Enrolls one stored contact. The unique index on contact, sequence and round is the guard: two
 * callers at once (two workers seeing the same segment entry) enroll it once.
 */
export async function enrollContact(
  db: Pick<ParleyCollections, 'enrollments'>,
  sequence: Sequence,
  contact: Pick<ContactDoc, '_id' | 'email' | 'timeZone' | 'suppressed'>,
  now: Date,
  origin: EnrollmentOrigin = {},
): Promise<EnrollOutcome | undefined> {
  if (contact.suppressed) return { email: contact.email, outcome: 'suppressed', reason: contact.suppressed.reason };
  const first = sequence.steps[0];
  if (!first) return undefined;
  const firstStepAt = stepDueTime(sequence, first, now, contact.timeZone);
  const enrollmentId = randomUUID();
  const round = origin.round ?? 1;
  const store = enrollmentStore(db);
  const inserted = await store.insert({
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
    round,
    source: origin.source ?? { kind: 'manual' },
    ...(origin.context && { context: origin.context }),
  });
  if (inserted === 'inserted') return { email: contact.email, outcome: 'enrolled', enrollmentId, firstStepAt };
  const existing = await store.findRound(contact._id, sequence.id, round);
  return { email: contact.email, outcome: 'already_enrolled', enrollmentId: existing?._id ?? '' };
}
