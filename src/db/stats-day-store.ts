import type { Filter } from 'mongodb';
import type { ParleyCollections } from './database.ts';
import { insertOnce } from './database.ts';
import type { StatsDayDoc, StatsDayPartDoc, StatsQueueDoc } from './documents.ts';

/** A summary version as a build reads it: its number and its parts, to supersede. */
export type StatsDayVersion = Pick<StatsDayDoc, '_id' | 'version' | 'parts'>;
/** A stats event's marker as a build reads it. */
export type StatsMarker = Pick<StatsQueueDoc, '_id' | 'queuedAt'>;

/** Part documents per round trip: each holds up to ~2 MB of events. */
const PART_BATCH = 16;

/**
 * The stats day summaries (src/stats/days.ts, which explains the consistency rules): markers of
 * events not summarized yet (`stats_queue`, one per event `_id`, written by the event store before
 * the event), summary versions (`stats_days`, heads `<day>#<n>`) and their parts
 * (`stats_day_parts`, `<day>#<n>/<build>/<i>`).
 *
 * Reads by day or a range of days are served by the `{day}` index of `stats_queue` and
 * `stats_days`; parts and removals go by `_id`. Nothing here is updated: the guard is the insert
 * of a head (unique `_id`, atomic on MongoDB and FerretDB v1 alike), so of two builds of the same
 * version exactly one wins. The removals never send an empty `$in` (FerretDB v1 would scan the
 * whole collection for it): an empty list is no command at all.
 */
export interface StatsDayStore {
  /** The day's summary versions (heads), with their parts' ids. */
  versionsOf(day: string): Promise<StatsDayVersion[]>;
  /** The markers of the day: its events recorded since they were last summarized (or never inserted). */
  markersOf(day: string): Promise<StatsMarker[]>;
  /** The days in [first, last] with a marker (dirty days); no `first`: every day up to `last`. May repeat a day. */
  markedDays(range: { first?: string | undefined; last: string }): Promise<string[]>;
  /** The days in [first, last] that have a summary version. May repeat a day. */
  summarizedDays(first: string, last: string): Promise<string[]>;
  /** Every summary version (head) of the days in [first, last]. */
  versionsWithin(first: string, last: string): Promise<StatsDayDoc[]>;
  /** Inserts a build's parts (their ids carry a random build id, so they never collide). */
  addParts(parts: readonly StatsDayPartDoc[]): Promise<void>;
  /** Inserts a version's head: 'duplicate' when another build made this version first. */
  addVersion(head: StatsDayDoc): Promise<'inserted' | 'duplicate'>;
  /** The parts with these ids that are still there, streamed a few at a time. */
  parts(ids: readonly string[]): AsyncIterable<StatsDayPartDoc>;
  removeParts(ids: readonly string[]): Promise<void>;
  removeVersions(ids: readonly string[]): Promise<void>;
  removeMarkers(ids: readonly string[]): Promise<void>;
}

export function statsDayStore(collections: Pick<ParleyCollections, 'statsQueue' | 'statsDays' | 'statsDayParts'>): StatsDayStore {
  const { statsQueue, statsDays, statsDayParts } = collections;
  const days = (docs: ReadonlyArray<{ day: string }>) => docs.map((d) => d.day);
  return {
    versionsOf: (day) => statsDays.find({ day }, { projection: { version: 1, parts: 1 } }).toArray(),
    markersOf: (day) => statsQueue.find({ day }, { projection: { _id: 1, queuedAt: 1 } }).toArray(),
    async markedDays(range) {
      const filter: Filter<StatsQueueDoc> = {
        day: range.first === undefined ? { $lte: range.last } : { $gte: range.first, $lte: range.last },
      };
      return days(await statsQueue.find(filter, { projection: { day: 1 } }).toArray());
    },
    summarizedDays: async (first, last) =>
      days(await statsDays.find({ day: { $gte: first, $lte: last } }, { projection: { day: 1 } }).toArray()),
    versionsWithin: (first, last) => statsDays.find({ day: { $gte: first, $lte: last } }).toArray(),
    async addParts(parts) {
      if (parts.length > 0) await statsDayParts.insertMany([...parts], { ordered: false });
    },
    addVersion: (head) => insertOnce(statsDays, head),
    async *parts(ids) {
      if (ids.length === 0) return;
      yield* statsDayParts.find({ _id: { $in: [...ids] } }, { batchSize: PART_BATCH });
    },
    async removeParts(ids) {
      if (ids.length > 0) await statsDayParts.deleteMany({ _id: { $in: [...ids] } });
    },
    async removeVersions(ids) {
      if (ids.length > 0) await statsDays.deleteMany({ _id: { $in: [...ids] } });
    },
    async removeMarkers(ids) {
      if (ids.length > 0) await statsQueue.deleteMany({ _id: { $in: [...ids] } });
    },
  };
}
