import type { Collection, Filter } from 'mongodb';
import type { ParleyCollections } from './database.ts';
import { insertOnce } from './database.ts';
import type { EventDoc } from './documents.ts';
import { queueForRollup } from './rollup-queue.ts';
import { queueForStats } from './stats-queue.ts';
import { hasOnlyDuplicateKeys, writeErrorIndexes } from './write-errors.ts';

/** An event as the metrics read it: the fields of STATS_EVENT_FIELDS (StatsEvent in src/stats/types.ts). */
export type StatsEventRecord = Pick<EventDoc, '_id' | 'type' | 'at' | 'sequenceId' | 'stepId' | 'enrollmentId'> & {
  props?: Readonly<Record<string, string>>;
};

/** Which events a stats read wants: one type (an equality) or any of several (`$in`), in [from, to). */
export interface StatsEventQuery {
  type: string | readonly string[];
  from: Date;
  to: Date;
  /** Only this sequence's events. */
  sequenceId?: string | undefined;
}

/** An event type the segments count, and the oldest time at which one can still count (undefined: any time). */
export interface CountableType {
  type: string;
  since: Date | undefined;
}

/** Contact ids from `from` (inclusive) to `to` (exclusive); an open end when left out (one end at least: no bound at all matches nothing). */
export interface ContactIdRange {
  from?: string | undefined;
  to?: string | undefined;
}

/** An event as a segment rollup counts it. */
export type CountedEventRecord = Pick<EventDoc, '_id' | 'contactId' | 'type' | 'at' | 'props'>;

/**
 * The events that can still count for these types: of a type without `since` all of them, of the
 * others only those at or after it. Shaped so the `{contactId, type, at}` index serves it: the
 * database reads these rows only, not the contact's whole history nor the collection.
 */
function countableFilter(contactId: string | Filter<EventDoc>['contactId'], types: readonly CountableType[]): Filter<EventDoc> {
  const ever = types.filter((t) => t.since === undefined).map((t) => t.type);
  const windowed = types.flatMap((t) => (t.since === undefined ? [] : [{ type: t.type, at: { $gte: t.since } }]));
  if (windowed.length === 0) return { contactId, type: { $in: ever } };
  return { contactId, $or: [...(ever.length > 0 ? [{ type: { $in: ever } }] : []), ...windowed] };
}

/** The event fields the metrics read (StatsEvent). */
const STATS_EVENT_FIELDS = {
  _id: 1,
  type: 1,
  at: 1,
  sequenceId: 1,
  stepId: 1,
  enrollmentId: 1,
  'props.kind': 1,
  'props.intent': 1,
  'props.response_ms': 1,
  // The A/B variant of an email_sent, for stats per variant.
  'props.variant': 1,
} as const;
/** Events per round trip; the cursor streams them, so memory holds one batch plus what the reader keeps. */
const BATCH_SIZE = 2000;
/** Events per round trip of a rollup rebuild's pass. */
const COUNTED_BATCH_SIZE = 5000;

/**
 * Behaviour events (`events`): Parley's own (`<type>:<key>`) and outside ones (`ext:<id>`). An
 * event is recorded once per `_id`: the insert is the guard (unique `_id`, atomic on MongoDB and
 * FerretDB v1 alike), so recording it again is a no-op. Events are never updated or deleted in
 * place, which the stats day summaries rely on (src/stats/days.ts).
 *
 * Recording queues the event's markers before the event itself: its contact's rollup marker
 * (`rollup_queue`, see queueForRollup) and, for a stats event, its day's marker (`stats_queue`,
 * see queueForStats). A recorder that dies in between leaves a marker without its event, which
 * expires; the other order could leave an event that no rollup or summary ever counts.
 *
 * Stats reads are served by the `{type, at}` index.
 */
export interface EventStore {
  /**
   * Records one of Parley's own events; `stats`: it is a send or an outcome, so its day is marked
   * for the stats summaries too. 'duplicate' when an event with its `_id` is there already.
   */
  record(event: EventDoc, options: { stats: boolean }): Promise<'recorded' | 'duplicate'>;
  /** Records a batch of outside events received at `now` (unordered: each goes in or not on its own); the indexes of those already there. */
  recordMany(events: readonly EventDoc[], now: Date): Promise<ReadonlySet<number>>;
  /** The stats events a query asks for, with the fields the metrics read, streamed in batches of 2000. */
  statsEvents(query: StatsEventQuery): AsyncIterable<StatsEventRecord>;

  // What the segment rollups read (src/segments/rollups.ts). Events are only ever added, so two
  // reads with the same types and dates that count the same number have read the same events.

  /** A contact's events that can still count for these types (see CountableType). */
  countableEvents(contactId: string, types: readonly CountableType[]): Promise<Array<Omit<CountedEventRecord, 'contactId'>>>;
  /** How many there are of them: a count ships none of them. */
  countCountableEvents(contactId: string, types: readonly CountableType[]): Promise<number>;
  /** The events that can still count of every contact in a contact id range, streamed in batches of 5000 (contactId is indexed: the range's events only). */
  countableEventsIn(range: ContactIdRange, types: readonly CountableType[]): AsyncIterable<CountedEventRecord>;
  /** These events (missing ones left out) with what a fold reads: the counted fields and when each was received. */
  toFold(ids: readonly string[]): Promise<Array<Pick<EventDoc, '_id' | 'type' | 'at' | 'props' | 'receivedAt'>>>;
  /** These events' types and times (missing ones left out). */
  typesAndTimes(ids: readonly string[]): Promise<Array<Pick<EventDoc, '_id' | 'type' | 'at'>>>;
  /** Every event of these types of these contacts (`segments explain`, which shows the live verdict). */
  ofContacts(contactIds: readonly string[], types: readonly string[]): Promise<CountedEventRecord[]>;
}

export function eventStore(collections: Pick<ParleyCollections, 'events' | 'rollupQueue' | 'statsQueue'>): EventStore {
  const events: Collection<EventDoc> = collections.events;
  return {
    async record(event, options) {
      // Markers first, then the event: see above.
      await Promise.all([
        queueForRollup(collections, [event], event.receivedAt),
        options.stats ? queueForStats(collections, event, event.receivedAt) : undefined,
      ]);
      return (await insertOnce(events, event)) === 'inserted' ? 'recorded' : 'duplicate';
    },
    async recordMany(batch, now) {
      if (batch.length === 0) return new Set();
      // Queued first: see queueForRollup.
      await queueForRollup(collections, batch, now);
      try {
        await events.insertMany([...batch], { ordered: false });
        return new Set();
      } catch (error) {
        if (!hasOnlyDuplicateKeys(error)) throw error;
        return new Set(writeErrorIndexes(error));
      }
    },
    statsEvents(query) {
      const filter: Filter<EventDoc> = {
        type: typeof query.type === 'string' ? query.type : { $in: [...query.type] },
        at: { $gte: query.from, $lt: query.to },
        ...(query.sequenceId !== undefined && { sequenceId: query.sequenceId }),
      };
      return events.find<StatsEventRecord>(filter, { projection: STATS_EVENT_FIELDS, batchSize: BATCH_SIZE });
    },
    countableEvents: (contactId, types) =>
      events.find(countableFilter(contactId, types), { projection: { _id: 1, type: 1, at: 1, props: 1 } }).toArray(),
    countCountableEvents: (contactId, types) => events.countDocuments(countableFilter(contactId, types)),
    countableEventsIn(range, types) {
      const contactId = { ...(range.from !== undefined && { $gte: range.from }), ...(range.to !== undefined && { $lt: range.to }) };
      return events.find(countableFilter(contactId, types), {
        projection: { contactId: 1, type: 1, at: 1, props: 1 },
        batchSize: COUNTED_BATCH_SIZE,
      });
    },
    // An empty $in is no lookup at all to FerretDB: it reads the whole collection to find nothing.
    toFold: async (ids) =>
      ids.length === 0
        ? []
        : events.find({ _id: { $in: [...ids] } }, { projection: { type: 1, at: 1, props: 1, receivedAt: 1 } }).toArray(),
    typesAndTimes: async (ids) =>
      ids.length === 0 ? [] : events.find({ _id: { $in: [...ids] } }, { projection: { type: 1, at: 1 } }).toArray(),
    ofContacts: async (contactIds, types) =>
      contactIds.length === 0 || types.length === 0
        ? []
        : events
            .find(
              { contactId: { $in: [...contactIds] }, type: { $in: [...types] } },
              { projection: { contactId: 1, type: 1, at: 1, props: 1 } },
            )
            .toArray(),
  };
}
