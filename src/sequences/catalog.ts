import type { Logger } from '../logger.ts';
import { withoutLintErrors } from './lint/gate.ts';
import type { LintFinding } from './lint/types.ts';
import { loadSequences } from './load.ts';
import { poolProblems } from './pool.ts';
import { formatProblem } from './problems.ts';
import type { Sequence } from './types.ts';

/**
 * The sequences a running worker uses, reloaded from their folder while it runs. A file that
 * breaks (it doesn't load, or lint finds errors in it) never stops the worker: its last good
 * version stays in use and the log says why, until the file is fixed; a file that was never good
 * is not used at all. A deleted file's sequence is dropped (its enrollments wait).
 */
export class SequenceCatalog {
  readonly #dir: string;
  readonly #log: Logger;
  #byId = new Map<string, Sequence>();
  #lastGoodByFile = new Map<string, Sequence>();
  #lastReport = '';
  #lintErrors: LintFinding[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** Addresses of MAILBOXES_FILE; a file whose `senders:` pool names another is broken (poolProblems). */
  readonly #mailboxes: ReadonlySet<string> | undefined;

  constructor(dir: string, logger: Logger, options: { mailboxes?: ReadonlySet<string> | undefined } = {}) {
    this.#dir = dir;
    this.#mailboxes = options.mailboxes;
    this.#log = logger.child({ component: 'sequences', dir });
  }

  get(id: string): Sequence | undefined {
    return this.#byId.get(id);
  }

  all(): Sequence[] {
    return [...this.#byId.values()];
  }

  /** The lint errors that keep files out of use (their last good version, if any, runs instead). */
  lintErrors(): readonly LintFinding[] {
    return this.#lintErrors;
  }

  async reload(): Promise<void> {
    const loaded = await loadSequences(this.#dir);
    for (const [id, sequence] of loaded.sequences) {
      const unknown = poolProblems(sequence, this.#mailboxes);
      if (unknown.length === 0) continue;
      loaded.sequences.delete(id);
      loaded.problems.push(...unknown);
    }
    // A file with lint errors is broken like one that doesn't load: nobody is enrolled into it, and
    // no step of it is sent (issue 16: the worker used to load a file with four lint errors).
    const { usable, refused } = withoutLintErrors(loaded.sequences.values());
    const problems = loaded.problems;
    const next = new Map(usable.map((s) => [s.id, s]));
    const lastGood = new Map(usable.map((s) => [s.file, s]));
    const kept: string[] = [];
    const brokenFiles = new Set([...problems.map((p) => p.file), ...refused.map((r) => r.sequence.file)]);
    for (const file of brokenFiles) {
      const previous = this.#lastGoodByFile.get(file);
      if (previous && !next.has(previous.id)) {
        next.set(previous.id, previous);
        lastGood.set(file, previous);
        kept.push(previous.id);
      }
    }
    this.#lastGoodByFile = lastGood;
    this.#byId = next;
    const lintErrors = refused.flatMap((r) => r.errors);
    this.#lintErrors = lintErrors;

    // Log only when something changed, not on every reload.
    const report = JSON.stringify([[...next.keys()].sort(), problems.map(formatProblem), lintErrors, kept]);
    if (report === this.#lastReport) return;
    this.#lastReport = report;
    for (const problem of problems) this.#log.error({ problem: formatProblem(problem) }, 'sequence file has problems');
    for (const f of lintErrors)
      this.#log.error(
        { file: f.file, line: f.line, column: f.column, field: f.field, rule: f.ruleId, finding: f.message },
        'sequence file has lint errors: not used until fixed (parley lint)',
      );
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
