import { IntentModel } from '../classify/index.ts';
import { intentModelStore, type IntentModelStore as StoredModels, type ParleyCollections } from '../db/index.ts';
import type { Logger } from '../logger.ts';

/**
 * The newest trained intent model, reloaded while the worker runs: a `parley classify train` on
 * any machine reaches every worker within the refresh interval. Until a model has been trained,
 * current() is undefined and the built-in model is used.
 */
export class IntentModelStore {
  readonly #models: StoredModels;
  readonly #log: Logger;
  #current: { model: IntentModel; version: string; json: string } | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: ParleyCollections, logger: Logger) {
    this.#models = intentModelStore(db);
    this.#log = logger.child({ component: 'intent-models' });
  }

  /** The model, its version, and the string it was read from (what analysis threads read it from). */
  current(): { model: IntentModel; version: string; json: string } | undefined {
    return this.#current;
  }

  async refresh(): Promise<void> {
    const newest = await this.#models.newestVersion();
    if (newest === undefined || newest === this.#current?.version) return;
    const doc = await this.#models.get(newest);
    if (!doc) return;
    try {
      this.#current = { model: IntentModel.fromJSON(doc.json), version: doc._id, json: doc.json };
      this.#log.info({ version: doc._id, corrections: doc.corrections }, 'intent model loaded');
    } catch (error) {
      // A model this version of Parley can't read: keep the one in use, say how to fix it.
      this.#log.error({ version: doc._id, err: error }, 'stored intent model unreadable; run `parley classify train`');
    }
  }

  watch(intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.#log.warn({ err: error }, 'checking for a new intent model failed'));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
