import {
  eventStore,
  rollupStore,
  type ContactIdRange,
  type ContactRollupDoc,
  type CountableType,
  type ParleyCollections,
  type RollupQueueDoc,
} from '../db/index.ts';
import { buildRollup, pastHorizon, RollupBuilder, rollupId, type RollupPlan, type RollupTallies } from './rollup.ts';

/**
 * Per-contact rollups kept in `contact_rollups`: written from a contact's events, read by the
 * segment refreshes instead of the events. See rollup.ts for what they hold.
 */

/** The collections of the rollups, their queue and the events, for their stores. */
export type RollupDb = Pick<ParleyCollections, 'events' | 'statsQueue' | 'contactRollups' | 'rollupState' | 'rollupQueue'>;

/** Writes after which a contact whose events keep changing under us is left to the next pass. */
const MAX_WRITES = 5;

export interface Recomputed {
  rollup: ContactRollupDoc;
  /** Ids of the events the written rollup counts, when it was checked to be current after the write (empty otherwise). */
  counted: ReadonlySet<string>;
  /** Whether the written rollup was checked to count every event that can still count. */
  current: boolean;
}

/**
 * The plan's types with the oldest time each can still count from at `now`: of the types without a
 * horizon all events count, of the others only those inside it.
 */
function countableTypes(plan: RollupPlan, now: Date): CountableType[] {
  return plan.types.map((type) => {
    const horizon = plan.horizons.get(type);
    return { type, since: horizon === undefined ? undefined : new Date(now.getTime() - horizon) };
  });
}

/**
 * Recomputes a contact's rollup from its events and writes it whole. Writes are not atomic on
 * FerretDB v1, so two writers for one contact can finish in either order: each reads the events
 * again after its write and, when more are there than it counted, computes and writes again. The
 * last write of all is then by a writer whose check came after it, so it counts every event
 * recorded before that check; any event recorded later is written by its own pass, later still.
 */
export async function recomputeRollup(db: RollupDb, plan: RollupPlan, contactId: string, now: Date): Promise<Recomputed> {
  const recorded = eventStore(db);
  const rollups = rollupStore(db);
  const types = countableTypes(plan, now);
  let events = await recorded.countableEvents(contactId, types);
  let rollup = await withFolded(db, buildRollup(plan, contactId, events, now), events);
  for (let write = 1; write <= MAX_WRITES; write += 1) {
    // Two first writes raced on FerretDB's upsert (query, then insert): write again as an update.
    if ((await rollups.write(rollup)) === 'raced') continue;
    // Events are only ever added, and the types and dates are the same (same now), so the same count means the same events.
    if ((await recorded.countCountableEvents(contactId, types)) === events.length)
      return { rollup, counted: new Set(events.map((e) => e._id)), current: true };
    events = await recorded.countableEvents(contactId, types);
    rollup = await withFolded(db, buildRollup(plan, contactId, events, now), events);
  }
  return { rollup, counted: new Set(), current: false };
}

/**
 * A recomputed rollup counts queued events too: it names the markers still queued for them
 * (read after the events), so the event pass deletes those markers instead of adding them again.
 */
async function withFolded(db: RollupDb, rollup: ContactRollupDoc, counted: ReadonlyArray<{ _id: string }>): Promise<ContactRollupDoc> {
  const ids = new Set(counted.map((e) => e._id));
  const queued = await rollupStore(db).markerIdsOf(rollup.contactId);
  const folded = queued.filter((id) => ids.has(id));
  return folded.length > 0 ? { ...rollup, folded } : rollup;
}

/** One contact's tallies, read by _id; empty when it has no rollup (no events of the referenced types). */
export async function readRollup(db: RollupDb, plan: RollupPlan, contactId: string): Promise<RollupTallies> {
  return (await rollupStore(db).tallies(rollupId(plan, contactId))) ?? {};
}

/**
 * The tallies of some contacts (a slice of the full refresh), by contact: read by `_id $in`, which
 * the database serves from the _id index. Contacts without a rollup have no events of the plan.
 */
export async function readRollups(db: RollupDb, plan: RollupPlan, contactIds: readonly string[]): Promise<Map<string, RollupTallies>> {
  const byContact = new Map<string, RollupTallies>();
  if (contactIds.length === 0) return byContact;
  const ids = contactIds.map((contactId) => rollupId(plan, contactId));
  for await (const r of rollupStore(db).talliesOf(ids)) byContact.set(r.contactId, r.conditions);
  return byContact;
}

/** Whether the rollups were built for this plan's conditions (false after a segment edit that changed them, and before the first build). */
export async function rollupsAreBuilt(db: RollupDb, plan: RollupPlan): Promise<boolean> {
  return (await rollupStore(db).builtFor()) === plan.definitions;
}

/** Rollups written per insert. */
const INSERT_BATCH = 2000;

/**
 * Builds every contact's rollup for the plan from one streamed pass over the events of its types
 * (within their horizons)
 * (after a segment edit that changed the conditions, and on first start): memory holds a few
 * numbers per contact with events, never the events. Rollups of the plan already there were
 * written from fresher reads by the event pass and are kept; events recorded during the pass are
 * folded again at the end. Then the rollups of other condition sets are deleted.
 */
export async function rebuildRollups(db: RollupDb, plan: RollupPlan, now: Date): Promise<{ contacts: number }> {
  const rollups = rollupStore(db);
  if (plan.types.length > 0) for (const range of CONTACT_RANGES) await rebuildRange(db, plan, range, now);
  // The pass counted queued events (or missed ones recorded during it): contacts with queued events
  // are recomputed, and their rollups name the markers they count, so the event pass adds none twice.
  const queued = await rollups.markersOfTypes(plan.types);
  await inParallel([...new Set(queued.map((m) => m.contactId))], CONTACTS_AT_ONCE, async (contactId) => {
    await recomputeRollup(db, plan, contactId, now);
  });
  await rollups.deleteOtherDefinitions(plan.definitions);
  await rollups.markBuilt(plan.definitions, now);
  return { contacts: await rollups.count(plan.definitions) };
}

/**
 * Contact id ranges rebuilt one after the other, so memory holds the builders of one range, not of
 * every contact. Contact ids are UUIDs, so their first hex digit splits them about evenly; the
 * ranges cover every string, so any other id still lands in exactly one. contactId is indexed:
 * each range reads its own events only.
 */
const RANGE_BOUNDS = [...'123456789abcdefg'];
const CONTACT_RANGES: readonly ContactIdRange[] = [undefined, ...RANGE_BOUNDS].map((from, i) => ({ from, to: RANGE_BOUNDS[i] }));

async function rebuildRange(db: RollupDb, plan: RollupPlan, range: ContactIdRange, now: Date): Promise<void> {
  const rollups = rollupStore(db);
  const builders = new Map<string, RollupBuilder>();
  for await (const event of eventStore(db).countableEventsIn(range, countableTypes(plan, now))) {
    let builder = builders.get(event.contactId);
    if (!builder) builders.set(event.contactId, (builder = new RollupBuilder(plan, now)));
    builder.add(event);
  }
  let batch: ContactRollupDoc[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    // A rollup of this plan already there was written by the event pass from a fresher read: keep it.
    await rollups.insertMissing(batch);
    batch = [];
  };
  for (const [contactId, builder] of builders) {
    batch.push(builder.build(contactId));
    builders.delete(contactId);
    if (batch.length >= INSERT_BATCH) await flush();
  }
  await flush();
}

/** Queue markers read per pass: the queue is read whole by FerretDB, so a pass takes a slice. */
const QUEUE_SLICE = 5000;
/** A marker whose event never appeared (the recorder died between the two inserts) is dropped after this long. */
const ORPHAN_MS = 10 * 60_000;

export interface FoldReport {
  /** Contacts whose rollups were written. */
  contactIds: string[];
  /** Markers left for the next pass (their events not visible yet, or a contact too busy to settle). */
  left: number;
}

/** Evaluates contacts whose rollups a fold wrote, a chunk at a time. */
export type OnFolded = (tallies: ReadonlyMap<string, RollupTallies>) => Promise<void>;

/** Contacts folded together: their markers, events and rollups are read with one `$in` each. */
const FOLD_CHUNK = 500;

/**
 * Folds one slice of the queue into the rollups. Once the rollups are built for the plan each
 * contact's stored rollup gets only its newly queued events added: the work is the new events',
 * never the contact's history. The caller holds the event-pass lease, so folds never overlap;
 * recomputes (rebuilds, repairs) may, and they name what they counted (`folded`). Before the
 * first build (or after an edit, until the rebuild) contacts are recomputed from their events.
 * Call again while `full`; what is `left` waits for the next pass.
 */
export async function foldQueuedEvents(
  db: RollupDb,
  plan: RollupPlan,
  now: Date,
  onFolded?: OnFolded,
): Promise<FoldReport & { full: boolean }> {
  const rollups = rollupStore(db);
  const slice = await rollups.queuedContacts(QUEUE_SLICE);
  if (slice.length === 0) return { contactIds: [], left: 0, full: false };
  if (!(await rollupsAreBuilt(db, plan))) return recomputeQueued(db, plan, now, onFolded);
  const report: FoldReport = { contactIds: [], left: 0 };
  let deleted = 0;
  const contacts = [...new Set(slice.map((m) => m.contactId))];
  for (let i = 0; i < contacts.length; i += FOLD_CHUNK) {
    const chunk = await foldChunk(db, plan, contacts.slice(i, i + FOLD_CHUNK), now);
    report.contactIds.push(...chunk.tallies.keys());
    report.left += chunk.left;
    if (chunk.tallies.size > 0) await onFolded?.(chunk.tallies);
    if (chunk.done.length > 0) await rollups.removeMarkers(chunk.done);
    deleted += chunk.done.length;
  }
  // Another slice is worth reading only when this one was full and took something off the queue.
  return { ...report, full: slice.length === QUEUE_SLICE && deleted > 0 };
}

interface FoldedChunk {
  /** The written rollups' tallies, by contact. */
  tallies: Map<string, RollupTallies>;
  /** Markers to delete. */
  done: string[];
  left: number;
}

/** Every queued event of these contacts added to their rollups (each written once). */
async function foldChunk(db: RollupDb, plan: RollupPlan, contactIds: readonly string[], now: Date): Promise<FoldedChunk> {
  const store = rollupStore(db);
  // All of each contact's markers, not only the slice's: a rollup's `folded` must name every marker it counts.
  const markers = await store.markersOf(contactIds);
  const wanted = new Set(plan.types);
  const eventIds = markers.filter((m) => wanted.has(m.type)).map((m) => m._id);
  const [events, rollups] = await Promise.all([eventStore(db).toFold(eventIds), store.getMany(contactIds.map((id) => rollupId(plan, id)))]);
  const eventById = new Map(events.map((e) => [e._id, e]));
  const rollupOf = new Map(rollups.map((r) => [r.contactId, r]));
  const byContact = new Map<string, RollupQueueDoc[]>();
  for (const m of markers) byContact.set(m.contactId, [...(byContact.get(m.contactId) ?? []), m]);

  const chunk: FoldedChunk = { tallies: new Map(), done: [], left: 0 };
  const writes: ContactRollupDoc[] = [];
  for (const [contactId, queued] of byContact) {
    const base = rollupOf.get(contactId);
    const counted = new Set(base?.folded ?? []);
    const builder = new RollupBuilder(plan, now, base);
    const folded: string[] = [];
    let added = 0;
    for (const m of queued) {
      const event = eventById.get(m._id);
      if (!wanted.has(m.type)) chunk.done.push(m._id);
      else if (!event) {
        // Not visible yet (its recorder inserts the marker first), or never will be (the recorder died).
        if (now.getTime() - m.queuedAt.getTime() > ORPHAN_MS) chunk.done.push(m._id);
        else chunk.left += 1;
      } else if (event.receivedAt.getTime() !== m.queuedAt.getTime()) {
        // The same event recorded again after its first marker was folded: counted already.
        chunk.done.push(m._id);
      } else if (counted.has(m._id)) {
        // Counted by a write whose markers were not deleted (a fold cut off, or a recompute).
        chunk.done.push(m._id);
        folded.push(m._id);
      } else if (pastHorizon(plan, event, now)) chunk.done.push(m._id);
      else {
        builder.add(event);
        added += 1;
        chunk.done.push(m._id);
        folded.push(m._id);
      }
    }
    if (added === 0) {
      // Only markers a written rollup already counts: evaluate again (the fold that wrote it may
      // have stopped before evaluating), write nothing.
      if (folded.length > 0) chunk.tallies.set(contactId, builder.build(contactId).conditions);
      continue;
    }
    const rollup = { ...builder.build(contactId), folded };
    writes.push(rollup);
    chunk.tallies.set(contactId, rollup.conditions);
  }
  await inParallel(writes, CONTACTS_AT_ONCE, async (rollup) => {
    if ((await store.write(rollup)) === 'raced') {
      // A recompute inserted this contact's first rollup at the same moment: fold it next pass.
      const notYet = new Set(rollup.folded);
      chunk.done = chunk.done.filter((id) => !notYet.has(id));
      chunk.left += notYet.size;
      chunk.tallies.delete(rollup.contactId);
    }
  });
  return chunk;
}

/**
 * Before the rollups are built for the plan: each queued contact's rollup recomputed from its
 * events (idempotent, so it needs no lease), then the markers of the events it counts deleted.
 */
async function recomputeQueued(db: RollupDb, plan: RollupPlan, now: Date, onFolded?: OnFolded): Promise<FoldReport & { full: boolean }> {
  const rollups = rollupStore(db);
  const markers = await rollups.queueSlice(QUEUE_SLICE);
  const wanted = new Set(plan.types);
  const byContact = new Map<string, RollupQueueDoc[]>();
  const done: string[] = [];
  for (const m of markers) {
    if (!wanted.has(m.type)) done.push(m._id);
    else byContact.set(m.contactId, [...(byContact.get(m.contactId) ?? []), m]);
  }
  let left = 0;
  const tallies = new Map<string, RollupTallies>();
  await inParallel([...byContact], CONTACTS_AT_ONCE, async ([contactId, queued]) => {
    const { rollup, counted, current } = await recomputeRollup(db, plan, contactId, now);
    tallies.set(contactId, rollup.conditions);
    const uncounted = queued.filter((m) => !counted.has(m._id));
    const tooOld = current && uncounted.length > 0 ? await pastHorizonIds(db, plan, uncounted, now) : new Set<string>();
    for (const m of queued) {
      if (counted.has(m._id) || tooOld.has(m._id) || now.getTime() - m.queuedAt.getTime() > ORPHAN_MS) done.push(m._id);
      else left += 1;
    }
  });
  if (tallies.size > 0) await onFolded?.(tallies);
  if (done.length > 0) await rollups.removeMarkers(done);
  return { contactIds: [...tallies.keys()], left, full: markers.length === QUEUE_SLICE && done.length > 0 };
}

/**
 * Queued events a current rollup did not count because they are too old to ever count (an import
 * of last year's visits): their markers are done. Decided from each event's own type and time, so
 * an event that only became visible after the rollup's read is never mistaken for one.
 */
async function pastHorizonIds(db: RollupDb, plan: RollupPlan, markers: readonly RollupQueueDoc[], now: Date): Promise<Set<string>> {
  const events = await eventStore(db).typesAndTimes(markers.map((m) => m._id));
  return new Set(events.filter((e) => pastHorizon(plan, e, now)).map((e) => e._id));
}

/** Contacts handled at once: their reads are independent, and the database overlaps them. */
const CONTACTS_AT_ONCE = 8;

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
