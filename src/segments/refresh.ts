import { contactStore, Lease, type ParleyCollections } from '../db/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { entryContext, explainSegment, matchesRule, shortReason } from './evaluate.ts';
import { enrollmentsByContact, type FactsContact } from './facts.ts';
import { recordMembershipChanges, type PendingChange } from './membership.ts';
import { membershipKey, readMemberships } from './memberships.ts';
import { planRollups, rollupFacts, type RollupPlan, type RollupTallies } from './rollup.ts';
import { foldQueuedEvents, readRollups, rebuildRollups, recomputeRollup, rollupsAreBuilt, type OnFolded } from './rollups.ts';
import type { Segment } from './types.ts';

export interface RefreshReport {
  contacts: number;
  entered: number;
  exited: number;
  enrolled: number;
  stopped: number;
}

export interface RefreshInput {
  segments: readonly Segment[];
  /** The loaded sequences: those whose audience is a segment act on its changes. */
  sequences: readonly Sequence[];
  now: Date;
  /** Aborted when the worker stops: a full refresh ends between two slices (the next run redoes it all). */
  stopping?: AbortSignal | undefined;
}

const emptyReport = (): RefreshReport => ({ contacts: 0, entered: 0, exited: 0, enrolled: 0, stopped: 0 });

/**
 * Contacts whose rollups the event pass or a repair just wrote, against every segment: their
 * contact documents are read with one `$in`, then they go through the full refresh's slice path.
 */
async function evaluateContacts(
  db: ParleyCollections,
  plan: RollupPlan,
  tallies: ReadonlyMap<string, RollupTallies>,
  input: RefreshInput,
  report: RefreshReport,
): Promise<void> {
  const contacts = await contactStore(db).segmentContacts([...tallies.keys()]);
  await refreshSlice(db, plan, contacts, input, report, tallies);
}

/** Contacts whose changes are written at once: each one's are independent of the others'. */
const CONTACTS_AT_ONCE = 8;

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Segment membership of these contacts brought up to date: each one's rollup recomputed from its
 * events, then evaluated (a contact changed outside the event queue: a test, a repair).
 */
export async function refreshContacts(db: ParleyCollections, contactIds: readonly string[], input: RefreshInput): Promise<RefreshReport> {
  const report = emptyReport();
  if (input.segments.length === 0 || contactIds.length === 0) return report;
  const plan = planRollups(input.segments);
  const tallies = new Map<string, RollupTallies>();
  await inParallel([...new Set(contactIds)], CONTACTS_AT_ONCE, async (contactId) => {
    tallies.set(contactId, (await recomputeRollup(db, plan, contactId, input.now)).rollup.conditions);
  });
  await evaluateContacts(db, plan, tallies, input, report);
  return report;
}

/** The lease that lets one fold of the queue run at a time, across every worker. */
const EVENT_PASS_LEASE = 'segments/event-queue';
const EVENT_PASS_LEASE_MS = 60_000;

/**
 * Folds the event queue into the rollups, a slice at a time, under the event-pass lease (folds add
 * to rollups, so two at once would count an event twice). False when another worker holds the
 * lease: its pass folds what is queued.
 */
async function foldQueue(db: ParleyCollections, plan: RollupPlan, now: Date, onFolded?: OnFolded): Promise<boolean> {
  const lease = new Lease({ db, key: EVENT_PASS_LEASE, leaseMs: EVENT_PASS_LEASE_MS });
  if (!(await lease.tryAcquire())) return false;
  try {
    for (;;) {
      const folded = await foldQueuedEvents(db, plan, now, onFolded);
      if (!folded.full) return true;
      // A long queue: keep the lease for the next slice, or stop when it was lost.
      if (!(await lease.renew())) return false;
    }
  } finally {
    await lease.release();
  }
}

/**
 * The event pass: folds the queued events into their contacts' rollups and re-evaluates those
 * contacts, until the queue holds nothing it can fold yet (or another worker's pass is folding it).
 */
export async function refreshQueuedContacts(db: ParleyCollections, input: RefreshInput): Promise<RefreshReport> {
  const report = emptyReport();
  if (input.segments.length === 0) return report;
  const plan = planRollups(input.segments);
  await foldQueue(db, plan, input.now, (tallies) => evaluateContacts(db, plan, tallies, input, report));
  return report;
}

/**
 * Contacts evaluated together by the full refresh: their rollups, memberships and enrollments are
 * read with one `$in` query each (served by the _id and contactId indexes) and their changes written
 * with one insert per collection.
 */
const SLICE = 1000;
/**
 * Slices in work at once while the contacts cursor reads the next. The driver's cursor does not
 * read ahead, and FerretDB spends its time decoding documents while Node waits: with slices in hand
 * the database decodes the next contacts and the slices' rollups side by side, on both cores.
 */
const SLICES_AT_ONCE = 3;

/**
 * Every contact against every segment, so time windows expire ("in the last 7 days"), edited
 * segment files take effect and field or enrollment changes count. Reads the rollups (a few
 * numbers per contact), the enrollments the rules name and the contacts, never the events, except
 * once after the segments' event conditions changed (rebuildRollups). Only changes are written.
 *
 * The contacts are read in one pass and evaluated a slice at a time, so memory holds a few slices,
 * never every contact's rollup and membership. (Not by contact id range: FerretDB serves no range
 * on _id from an index, so a pass per range would read every contact each time.) Each contact is
 * in exactly one slice, whatever its id, and a slice's changes go through recordMembershipChanges,
 * so a refresh cut off anywhere can run again, several can run at once, and each change is
 * recorded once.
 */
export async function refreshAllSegments(db: ParleyCollections, input: RefreshInput): Promise<RefreshReport> {
  const report = emptyReport();
  const { segments, now } = input;
  if (segments.length === 0) return report;
  const plan = planRollups(segments);
  if (!(await rollupsAreBuilt(db, plan))) await rebuildRollups(db, plan, now);
  // Events recorded since the last event pass are folded first, so the verdicts below see them.
  await foldQueue(db, plan, now);
  const contacts = contactStore(db).allSegmentContacts(SLICE);
  await inSlices(contacts, (slice) => refreshSlice(db, plan, slice, input, report), input.stopping);
  return report;
}

/**
 * One slice of contacts: their rollups (unless the caller has them), memberships and enrollments
 * read together, then their changes recorded in one batch.
 */
async function refreshSlice(
  db: ParleyCollections,
  plan: RollupPlan,
  contacts: readonly FactsContact[],
  input: RefreshInput,
  report: RefreshReport,
  known?: ReadonlyMap<string, RollupTallies>,
): Promise<void> {
  const { segments, now } = input;
  const ids = contacts.map((c) => c._id);
  const [rollups, memberships, enrollments] = await Promise.all([
    known ?? readRollups(db, plan, ids),
    readMemberships(db, { contactIds: ids }),
    enrollmentsByContact(db, segments, ids),
  ]);
  const pending: PendingChange[] = [];
  for (const contact of contacts) {
    report.contacts += 1;
    const facts = rollupFacts(plan, contact, rollups.get(contact._id) ?? {}, enrollments.get(contact._id) ?? [], now);
    for (const segment of segments) {
      const current = memberships.get(membershipKey(segment.id, contact._id));
      if (matchesRule(segment.rule, facts) === (current?.member ?? false)) continue;
      const explanation = explainSegment(segment, facts);
      const context = explanation.ok ? entryContext(segment, facts) : undefined;
      pending.push({ change: { segment, contact, entering: explanation.ok, reason: shortReason(explanation), context }, current });
    }
  }
  const effects = await recordMembershipChanges(db, pending, input.sequences, now);
  effects.recorded.forEach((recorded, i) => {
    if (recorded) report[pending[i]?.change.entering ? 'entered' : 'exited'] += 1;
  });
  report.enrolled += effects.enrolled;
  report.stopped += effects.stopped;
}

/**
 * Cuts the contacts into slices and runs `work` on up to SLICES_AT_ONCE of them while reading the
 * next. The first failure stops the reading; the slices already running finish (or fail) before it
 * is thrown, so nothing is left writing after the refresh returned.
 */
async function inSlices(
  contacts: AsyncIterable<FactsContact>,
  work: (slice: FactsContact[]) => Promise<void>,
  stopping?: AbortSignal,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const start = (slice: FactsContact[]) => {
    const task: Promise<void> = work(slice)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => running.delete(task));
    running.add(task);
  };
  try {
    let slice: FactsContact[] = [];
    for await (const contact of contacts) {
      if (stopping?.aborted) break;
      slice.push(contact);
      if (slice.length < SLICE) continue;
      start(slice);
      slice = [];
      while (running.size >= SLICES_AT_ONCE && !failure) await Promise.race(running);
      if (failure) break;
    }
    if (!failure && !stopping?.aborted && slice.length > 0) start(slice);
  } finally {
    await Promise.all(running);
  }
  if (failure) throw failure.error;
}
