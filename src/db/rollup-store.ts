import type { ParleyCollections } from './database.ts';
import { isDuplicateKey } from './database.ts';
import type { ContactRollupDoc, RollupQueueDoc } from './documents.ts';
import { hasOnlyDuplicateKeys } from './write-errors.ts';

/** A rollup's tallies by contact, as the full refresh reads them. */
export type RollupTalliesRecord = Pick<ContactRollupDoc, 'contactId' | 'conditions'>;

/**
 * Per-contact segment rollups (`contact_rollups`), the state saying which condition set they were
 * built for (`rollup_state`), and the queue of events not yet folded into them (`rollup_queue`,
 * filled by queueForRollup before the events go in). src/segments decides what a rollup holds
 * and when to write it; this store only reads and writes the documents.
 *
 * Rollups are read by `_id` (`<definitions>:<contactId>`, one `$in` for many), served by the _id
 * index; reads of many ids are never an empty `$in` (FerretDB v1 scans the whole collection for
 * it). A write replaces the whole rollup and is not atomic on FerretDB v1 (an upsert is a query,
 * then an insert or a replace by `_id`): two writers of one contact can finish in either order,
 * and two first writes can race to the insert, which the loser sees as 'raced'. Callers that need
 * the last write to be right check after writing (src/segments/rollups.ts).
 *
 * The queue is read a slice at a time (FerretDB reads it whole for an unindexed filter); its
 * markers are keyed by the event's `_id` and removed once their events are counted.
 */
export interface RollupStore {
  /** One rollup's tallies by its id; undefined when there is none. */
  tallies(rollupId: string): Promise<ContactRollupDoc['conditions'] | undefined>;
  /** The tallies of these rollups (missing ones left out), streamed in one batch. */
  talliesOf(rollupIds: readonly string[]): AsyncIterable<RollupTalliesRecord>;
  /** These rollups whole (missing ones left out). */
  getMany(rollupIds: readonly string[]): Promise<ContactRollupDoc[]>;
  /** Writes a rollup whole (replace, or insert when new); 'raced' when another first write inserted it at the same moment. */
  write(rollup: ContactRollupDoc): Promise<'written' | 'raced'>;
  /** Inserts those of a rebuild's rollups that are not there yet (one unordered insert): a rollup already there is kept. */
  insertMissing(rollups: readonly ContactRollupDoc[]): Promise<void>;
  /** Deletes the rollups of every other condition set. */
  deleteOtherDefinitions(definitions: string): Promise<void>;
  /** How many rollups there are of a condition set. */
  count(definitions: string): Promise<number>;
  /** The condition set the rollups were last built for; undefined before the first build. */
  builtFor(): Promise<string | undefined>;
  /** Records that the rollups are built for a condition set. */
  markBuilt(definitions: string, now: Date): Promise<void>;

  /** Up to `limit` queued markers, in no particular order. */
  queueSlice(limit: number): Promise<RollupQueueDoc[]>;
  /** Up to `limit` queued markers' ids and contacts, in no particular order. */
  queuedContacts(limit: number): Promise<Array<Pick<RollupQueueDoc, '_id' | 'contactId'>>>;
  /** The ids of one contact's queued markers. */
  markerIdsOf(contactId: string): Promise<string[]>;
  /** Every queued marker of these contacts. */
  markersOf(contactIds: readonly string[]): Promise<RollupQueueDoc[]>;
  /** The queued markers of events of these types (ids and contacts). */
  markersOfTypes(types: readonly string[]): Promise<Array<Pick<RollupQueueDoc, '_id' | 'contactId'>>>;
  /** Takes these markers off the queue. */
  removeMarkers(ids: readonly string[]): Promise<void>;
}

/** The one `rollup_state` document. */
const STATE_ID = 'segment-conditions';

export function rollupStore(collections: Pick<ParleyCollections, 'contactRollups' | 'rollupState' | 'rollupQueue'>): RollupStore {
  const { contactRollups, rollupState, rollupQueue } = collections;
  return {
    async tallies(rollupId) {
      const doc = await contactRollups.findOne({ _id: rollupId }, { projection: { conditions: 1 } });
      return doc?.conditions;
    },
    async *talliesOf(rollupIds) {
      if (rollupIds.length === 0) return;
      yield* contactRollups.find<RollupTalliesRecord>(
        { _id: { $in: [...rollupIds] } },
        { projection: { contactId: 1, conditions: 1 }, batchSize: rollupIds.length },
      );
    },
    getMany: async (rollupIds) => (rollupIds.length === 0 ? [] : contactRollups.find({ _id: { $in: [...rollupIds] } }).toArray()),
    async write(rollup) {
      try {
        await contactRollups.replaceOne({ _id: rollup._id }, rollup, { upsert: true });
        return 'written';
      } catch (error) {
        if (isDuplicateKey(error)) return 'raced';
        throw error;
      }
    },
    async insertMissing(rollups) {
      if (rollups.length === 0) return;
      await contactRollups.insertMany([...rollups], { ordered: false }).catch((error: unknown) => {
        if (!isDuplicateKey(error) && !hasOnlyDuplicateKeys(error)) throw error;
      });
    },
    async deleteOtherDefinitions(definitions) {
      await contactRollups.deleteMany({ definitions: { $ne: definitions } });
    },
    count: (definitions) => contactRollups.countDocuments({ definitions }),
    async builtFor() {
      const state = await rollupState.findOne({ _id: STATE_ID });
      return state?.definitions;
    },
    async markBuilt(definitions, now) {
      await rollupState.replaceOne({ _id: STATE_ID }, { definitions, builtAt: now }, { upsert: true });
    },

    queueSlice: (limit) => rollupQueue.find({}, { limit }).toArray(),
    queuedContacts: (limit) => rollupQueue.find({}, { limit, projection: { contactId: 1 } }).toArray(),
    async markerIdsOf(contactId) {
      const markers = await rollupQueue.find({ contactId }, { projection: { _id: 1 } }).toArray();
      return markers.map((m) => m._id);
    },
    markersOf: async (contactIds) => (contactIds.length === 0 ? [] : rollupQueue.find({ contactId: { $in: [...contactIds] } }).toArray()),
    markersOfTypes: async (types) =>
      types.length === 0 ? [] : rollupQueue.find({ type: { $in: [...types] } }, { projection: { contactId: 1 } }).toArray(),
    async removeMarkers(ids) {
      if (ids.length > 0) await rollupQueue.deleteMany({ _id: { $in: [...ids] } });
    },
  };
}
