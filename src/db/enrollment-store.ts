import type { Collection, Filter, UpdateFilter } from 'mongodb';
import { insertEachOnce, insertOnce, type TimeBound } from './database.ts';
import type { EnrollmentDoc, EnrollmentHold, EnrollmentStatus } from './documents.ts';

/** The fields a lifecycle change writes; absent fields stay as they are. */
export interface EnrollmentFields {
  status?: EnrollmentStatus;
  nextStepAt?: Date | null;
  statusReason?: string;
  statusReplyId?: string;
  softBounces?: number;
  threadSubject?: string;
  /** Replaces the thread (a step with its own subject starts a new one). */
  threadMessageIds?: string[];
  held?: EnrollmentHold;
}

/**
 * One lifecycle change, as decided by `transition` in src/enrollments/lifecycle.ts. The store
 * writes it and nothing else: `from` and `step` become the write's guard.
 */
export interface EnrollmentChange {
  /** The write lands only while the enrollment is in one of these states. */
  from: readonly EnrollmentStatus[];
  /** The write lands only while this step is (passed: true) or is not (passed: false) among the passed steps: the exactly-once guard of an advance. */
  step?: { id: string; passed: boolean } | undefined;
  set: EnrollmentFields;
  /** Appended: the step passed, and how. */
  pass?: { stepId: string; skipped?: { reason: string; at: Date } | undefined; threadMessageId?: string | undefined } | undefined;
  /** Removed from the passed steps: the soft-bounced step goes out again. */
  unpass?: string | undefined;
  /** Written instead when this change's guard no longer holds (e.g. record the last step without completing a paused enrollment). Not used by `applyToContact`. */
  otherwise?: EnrollmentChange | undefined;
  at: Date;
}

/** What the in-flight lint reads of a running or paused enrollment. */
export type InFlightEnrollment = Pick<EnrollmentDoc, '_id' | 'passedStepIds'>;

/** What the stats read of an enrollment (its completion rate). */
export type StatsEnrollmentRecord = Pick<EnrollmentDoc, 'sequenceId' | 'status' | 'enrolledAt'>;

/** Enrollments per round trip of a streamed read: memory holds one batch plus what the reader keeps. */
const BATCH_SIZE = 2000;

/**
 * Enrollments: one contact's way through one sequence. Reads that run per step are by `_id`
 * (O(1) on MongoDB and on the patched embedded FerretDB); the due read is served by the
 * `{status, nextStepAt}` index on MongoDB.
 *
 * Every status change goes through `apply`/`applyToContact` with a change from `transition`:
 * there is no other write to an enrollment's lifecycle fields. The guards are update filters,
 * which are atomic on MongoDB but not on FerretDB v1 (STACK-NOTES): they keep a stale decision
 * from landing, while exactly-once sending rests on the send claims' unique inserts.
 */
/** Where a contact stands in a sequence, as segment rules read it. */
export type EnrollmentStateRecord = Pick<EnrollmentDoc, '_id' | 'contactId' | 'sequenceId' | 'status'>;

export interface EnrollmentStore {
  get(id: string): Promise<EnrollmentDoc | null>;
  /** Running enrollments whose next step is due at `now`, soonest first, at most `limit`. */
  due(now: Date, limit: number): Promise<EnrollmentDoc[]>;
  /** How many running enrollments are due at `now` (a range count on the `{status, nextStepAt}` index). */
  countDue(now: Date, bound: TimeBound): Promise<number>;
  /** When the longest-waiting due step fell due (the first entry of the same range); undefined when nothing is due. */
  oldestDue(now: Date, bound: TimeBound): Promise<Date | undefined>;
  /** How many enrollments are in a status (the demo waits on it); served by the prefix of the `{status, nextStepAt}` index. */
  countInStatus(status: EnrollmentStatus): Promise<number>;
  /** A sequence's enrollments, oldest first (then by address). No index serves it: the demo's summary only. */
  inSequence(sequenceId: string): Promise<EnrollmentDoc[]>;
  /** Inserts a new enrollment. 'duplicate': the contact already has this sequence and round (unique index), whoever inserted it. */
  insert(enrollment: EnrollmentDoc): Promise<'inserted' | 'duplicate'>;
  /** Inserts many new enrollments in one write; for each, as `insert` answers. */
  insertEach(enrollments: readonly EnrollmentDoc[]): Promise<Array<'inserted' | 'duplicate'>>;
  /** The enrollment of a contact in one round of a sequence. */
  findRound(contactId: string, sequenceId: string, round: number): Promise<EnrollmentDoc | null>;
  /** The address's enrollment touched last that is not stopped: whose conversation a reply from it answers, when its headers don't say. */
  latestOfAddress(email: string): Promise<EnrollmentDoc | null>;
  /** The contact's enrollment touched last: whose conversation an unsubscribe by link answers. */
  latestOfContact(contactId: string): Promise<Pick<EnrollmentDoc, '_id' | 'sequenceId' | 'passedStepIds'> | null>;
  /** Running and paused enrollments of a sequence, for the in-flight lint. */
  inFlight(sequenceId: string): Promise<InFlightEnrollment[]>;
  /** The enrollments enrolled in [from, to) (of one sequence, when given), streamed in batches of 2000; served by the `{enrolledAt}` index. */
  enrolledWithin(span: { from: Date; to: Date; sequenceId?: string | undefined }): AsyncIterable<StatsEnrollmentRecord>;
  /** Writes one lifecycle change to one enrollment if its guard still holds, else its `otherwise`. True when one landed. */
  apply(id: string, change: EnrollmentChange): Promise<boolean>;
  /** Writes one change to every enrollment of a contact (in one sequence, when given) whose guard holds; how many it changed. */
  applyToContact(contactId: string, change: EnrollmentChange, options?: { sequenceId?: string | undefined }): Promise<number>;
  /** applyToContact for several contacts in one write (an equality for one, `$in` for more); how many it changed. */
  applyToContacts(contactIds: readonly string[], change: EnrollmentChange, options?: { sequenceId?: string | undefined }): Promise<number>;
  /** The enrollment states of these contacts (served by the index that leads with contactId). */
  statesOf(contactIds: readonly string[]): Promise<EnrollmentStateRecord[]>;
  /** The enrollment states of these contacts in these sequences, streamed in batches of 5000. */
  statesIn(contactIds: readonly string[], sequenceIds: readonly string[]): AsyncIterable<EnrollmentStateRecord>;
}

const STATUS_COUNT = 4;

/** Running enrollments whose next step is due at `now`: the `{status, nextStepAt}` index's range. */
const dueAt = (now: Date): Filter<EnrollmentDoc> => ({ status: 'active', nextStepAt: { $lte: now } });

/** The guard of a change: its states (omitted when any state will do) and its step. */
function guardOf(change: EnrollmentChange): Filter<EnrollmentDoc> {
  const [only] = change.from;
  return {
    ...(change.from.length < STATUS_COUNT && { status: change.from.length === 1 && only ? only : { $in: [...change.from] } }),
    ...(change.step && { passedStepIds: change.step.passed ? change.step.id : { $ne: change.step.id } }),
  };
}

function updateOf(change: EnrollmentChange): UpdateFilter<EnrollmentDoc> {
  const { pass, unpass } = change;
  const push = pass && {
    passedStepIds: pass.stepId,
    ...(pass.skipped && { skippedSteps: { stepId: pass.stepId, ...pass.skipped } }),
    ...(pass.threadMessageId !== undefined && { threadMessageIds: pass.threadMessageId }),
  };
  return {
    $set: { ...change.set, updatedAt: change.at },
    ...(push && { $push: push }),
    ...(unpass !== undefined && { $pull: { passedStepIds: unpass } }),
  };
}

/** The fields of EnrollmentStateRecord. */
const STATE_FIELDS = { contactId: 1, sequenceId: 1, status: 1 } as const;
/** Enrollment states per round trip of a segment refresh's read. */
const STATES_BATCH_SIZE = 5000;

export function enrollmentStore(collections: { enrollments: Collection<EnrollmentDoc> }): EnrollmentStore {
  const enrollments = collections.enrollments;

  async function applyToContacts(
    contactId: Filter<EnrollmentDoc>['contactId'],
    change: EnrollmentChange,
    options: { sequenceId?: string | undefined },
  ): Promise<number> {
    const filter: Filter<EnrollmentDoc> = {
      contactId,
      ...(options.sequenceId !== undefined && { sequenceId: options.sequenceId }),
      ...guardOf(change),
    };
    const result = await enrollments.updateMany(filter, updateOf(change));
    return result.modifiedCount;
  }

  return {
    get: (id) => enrollments.findOne({ _id: id }),
    due: (now, limit) => enrollments.find(dueAt(now)).sort({ nextStepAt: 1 }).limit(limit).toArray(),
    countDue: (now, bound) => enrollments.countDocuments(dueAt(now), bound),
    async oldestDue(now, bound) {
      const oldest = await enrollments.findOne(dueAt(now), { sort: { nextStepAt: 1 }, projection: { nextStepAt: 1 }, ...bound });
      return oldest?.nextStepAt ?? undefined;
    },
    countInStatus: (status) => enrollments.countDocuments({ status }),
    inSequence: (sequenceId) => enrollments.find({ sequenceId }).sort({ enrolledAt: 1, email: 1 }).toArray(),
    insert: (enrollment) => insertOnce(enrollments, enrollment),
    insertEach: (docs) => insertEachOnce(enrollments, docs),
    findRound: (contactId, sequenceId, round) => enrollments.findOne({ contactId, sequenceId, round }),
    latestOfAddress: (email) =>
      enrollments
        .find({ email, status: { $in: ['active', 'paused', 'completed'] } })
        .sort({ updatedAt: -1 })
        .limit(1)
        .next(),
    latestOfContact: (contactId) =>
      enrollments
        .find({ contactId }, { projection: { _id: 1, sequenceId: 1, passedStepIds: 1 } })
        .sort({ updatedAt: -1 })
        .limit(1)
        .next(),
    inFlight: (sequenceId) =>
      enrollments.find({ sequenceId, status: { $in: ['active', 'paused'] } }, { projection: { _id: 1, passedStepIds: 1 } }).toArray(),
    enrolledWithin: (span) =>
      enrollments.find<StatsEnrollmentRecord>(
        { enrolledAt: { $gte: span.from, $lt: span.to }, ...(span.sequenceId !== undefined && { sequenceId: span.sequenceId }) },
        { projection: { _id: 0, sequenceId: 1, status: 1, enrolledAt: 1 }, batchSize: BATCH_SIZE },
      ),
    async apply(id, change) {
      for (let next: EnrollmentChange | undefined = change; next; next = next.otherwise) {
        const result = await enrollments.updateOne({ _id: id, ...guardOf(next) }, updateOf(next));
        if (result.matchedCount === 1) return true;
      }
      return false;
    },
    applyToContact: (contactId, change, options = {}) => applyToContacts(contactId, change, options),
    async applyToContacts(contactIds, change, options = {}) {
      if (contactIds.length === 0) return 0;
      const [only] = contactIds;
      return applyToContacts(contactIds.length === 1 && only !== undefined ? only : { $in: [...contactIds] }, change, options);
    },
    statesOf: async (contactIds) =>
      contactIds.length === 0
        ? []
        : enrollments.find<EnrollmentStateRecord>({ contactId: { $in: [...contactIds] } }, { projection: STATE_FIELDS }).toArray(),
    async *statesIn(contactIds, sequenceIds) {
      if (contactIds.length === 0 || sequenceIds.length === 0) return;
      yield* enrollments.find<EnrollmentStateRecord>(
        { contactId: { $in: [...contactIds] }, sequenceId: { $in: [...sequenceIds] } },
        { projection: STATE_FIELDS, batchSize: STATES_BATCH_SIZE },
      );
    },
  };
}
