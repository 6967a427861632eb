import type { Logger } from '../logger.ts';
import { loadSequences } from './load.ts';
import { formatProblem } from './problems.ts';
import type { Sequence } from './types.ts';

/**
 * The sequences a running worker uses, reloaded from their folder while it runs. A file that
 * breaks never stops the worker: its last good version stays in use and the log says why, until
 * the file is fixed. A deleted file's sequence is dropped (its enrollments wait).
 */
export class SequenceCatalog {
  readonly #dir: string;
  readonly #log: Logger;
  #byId = new Map<string, Sequence>();
  #lastGoodByFile = new Map<string, Sequence>();
  #lastReport = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(dir: string, logger: Logger) {
    this.#dir = dir;
    this.#log = logger.child({ component: 'sequences', dir });
  }

  get(id: string): Sequence | undefined {
    return this.#byId.get(id);
  }

  all(): Sequence[] {
    return [...this.#byId.values()];
  }

  async reload(): Promise<void> {
    const { sequences, problems } = await loadSequences(this.#dir);
    const next = new Map(sequences);
    const lastGood = new Map([...sequences.values()].map((s) => [s.file, s]));
    const kept: string[] = [];
    for (const file of new Set(problems.map((p) => p.file))) {
      const previous = this.#lastGoodByFile.get(file);
      if (previous && !next.has(previous.id)) {
        next.set(previous.id, previous);
        lastGood.set(file, previous);
        kept.push(previous.id);
      }
    }
    this.#lastGoodByFile = lastGood;
    this.#byId = next;

    // Log only when something changed, not on every reload.
    const report = JSON.stringify([[...next.keys()].sort(), problems.map(formatProblem), kept]);
    if (report === this.#lastReport) return;
    this.#lastReport = report;
    for (const problem of problems) this.#log.error({ problem: formatProblem(problem) }, 'sequence file has problems');
    if (kept.length > 0) this.#log.warn({ kept }, 'kept the last good version of broken sequence files');
    this.#log.info({ sequences: [...next.keys()] }, 'sequences loaded');
  }

  /** Reloads every intervalMs until stop(). */
  watch(intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.#log.error({ err: String(error) }, 'reloading sequences failed'));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
