import { readFile } from 'node:fs/promises';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { formatProblem, listSequenceFiles, type SequenceProblem } from '../sequences/index.ts';
import { parseSegment } from './parse.ts';
import type { Segment } from './types.ts';

export interface LoadedSegments {
  segments: Map<string, Segment>;
  problems: SequenceProblem[];
}

/**
 * Every *.yaml / *.yml segment file in dir, in name order. A broken file is reported (file, line,
 * column, field) and skipped; files sharing an id are all skipped. A missing folder is no segments.
 */
export async function loadSegments(dir: string): Promise<LoadedSegments> {
  let files: string[];
  try {
    files = await listSequenceFiles(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { segments: new Map(), problems: [] };
    return {
      segments: new Map(),
      problems: [{ file: dir, line: 1, column: 1, field: '', message: `can't read the segments folder: ${describeError(error)}` }],
    };
  }
  const problems: SequenceProblem[] = [];
  const byId = new Map<string, Segment[]>();
  for (const file of files) {
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ file, line: 1, column: 1, field: '', message: `can't read the file: ${describeError(error)}` });
      continue;
    }
    const result = parseSegment(source, file);
    if (!result.ok) problems.push(...result.problems);
    else byId.set(result.segment.id, [...(byId.get(result.segment.id) ?? []), result.segment]);
  }
  const segments = new Map<string, Segment>();
  for (const [id, claimants] of byId) {
    const [only] = claimants;
    if (claimants.length === 1 && only) segments.set(id, only);
    else
      for (const s of claimants)
        problems.push({
          file: s.file,
          line: 1,
          column: 1,
          field: 'id',
          message: `segment id '${id}' is also used by ${claimants
            .filter((o) => o !== s)
            .map((o) => o.file)
            .join(', ')}; ids must be unique, so none of these files was loaded`,
        });
  }
  return { segments, problems };
}

/**
 * The segments a running worker uses, re-read from their folder while it runs. A file that breaks
 * keeps its last good version in use (the log says why), as sequence files do.
 */
export class SegmentCatalog {
  readonly #dir: string;
  readonly #log: Logger;
  #byId = new Map<string, Segment>();
  #lastReport = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(dir: string, logger: Logger) {
    this.#dir = dir;
    this.#log = logger.child({ component: 'segments', dir });
  }

  all(): Segment[] {
    return [...this.#byId.values()];
  }

  async reload(): Promise<void> {
    const { segments, problems } = await loadSegments(this.#dir);
    const broken = new Set(problems.map((p) => p.file));
    for (const previous of this.#byId.values()) {
      if (broken.has(previous.file) && !segments.has(previous.id)) segments.set(previous.id, previous);
    }
    this.#byId = segments;
    const report = JSON.stringify([[...segments.keys()].sort(), problems.map(formatProblem)]);
    if (report === this.#lastReport) return;
    this.#lastReport = report;
    for (const problem of problems) this.#log.error({ problem: formatProblem(problem) }, 'segment file has problems');
    this.#log.info({ segments: [...segments.keys()] }, 'segments loaded');
  }

  watch(intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.#log.error({ err: error }, 'reloading segments failed'));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
