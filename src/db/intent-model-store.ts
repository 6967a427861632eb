import type { Collection } from 'mongodb';
import type { IntentModelDoc } from './documents.ts';

/**
 * Trained intent models (`intent_models`), one document per version. A version's `_id` is its
 * training time in ISO form, so the newest sorts last; models are inserted, never updated. The
 * newest version is read by `_id` alone (a cheap read the worker repeats every minute), the model
 * itself (a large string) only when that version is new to the reader.
 */
export interface IntentModelStore {
  /** The newest version's `_id`, or undefined before any training. */
  newestVersion(): Promise<string | undefined>;
  /** One version, whole. */
  get(version: string): Promise<IntentModelDoc | null>;
  /** Stores a newly trained version. */
  save(model: IntentModelDoc): Promise<void>;
}

export function intentModelStore(collections: { intentModels: Collection<IntentModelDoc> }): IntentModelStore {
  const { intentModels } = collections;
  return {
    async newestVersion() {
      const [newest] = await intentModels
        .find({}, { projection: { _id: 1 } })
        .sort({ _id: -1 })
        .limit(1)
        .toArray();
      return newest?._id;
    },
    get: (version) => intentModels.findOne({ _id: version }),
    async save(model) {
      await intentModels.insertOne(model);
    },
  };
}
