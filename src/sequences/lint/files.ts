import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { listSequenceFiles, loadSequenceFiles } from '../load.ts';
import type { Sequence, SequenceProblem } from '../types.ts';
import { lintSequence, type LintOptions } from './index.ts';
import type { LintFinding } from './types.ts';

/**
 * Extra checks a caller plugs into lintPaths, for what the pure rules can't know (say, a step
 * edited while contacts are mid-sequence, which needs the database). Called with the sequences
 * that loaded from the requested files.
 */
export type LintExtension = (sequences: readonly Sequence[]) => Promise<LintFinding[]>;

export interface LintPathsOptions extends LintOptions {
  extensions?: readonly LintExtension[];
}

export interface LintPathsResult {
  /** The sequence files looked at, in the order given (a folder expands to its files). */
  files: string[];
  /** Schema problems (ruleId 'schema') and rule findings, by file, then position. */
  findings: LintFinding[];
}

/**
 * Lints sequence files and folders. A file is loaded together with the other sequence files in
 * its folder, so duplicate ids and `move_to` targets are checked as the worker would; only the
 * requested files are reported on.
 */
export async function lintPaths(paths: readonly string[], options: LintPathsOptions = {}): Promise<LintPathsResult> {
  const files = unique((await Promise.all(paths.map(expand))).flat());
  const siblings = await Promise.all(files.map((f) => listSequenceFiles(dirname(f)).catch(() => [])));
  const { sequences, problems } = await loadSequenceFiles(unique([...files, ...siblings.flat()]));

  const requested = new Set(files);
  const mine = [...sequences.values()].filter((s) => requested.has(s.file));
  const findings = [
    ...problems.filter((p) => requested.has(p.file)).map(schemaFinding),
    ...mine.flatMap((s) => lintSequence(s, options)),
    ...(await Promise.all((options.extensions ?? []).map((extension) => extension(mine)))).flat(),
  ];
  const order = new Map(files.map((f, i) => [f, i]));
  findings.sort(
    (a, b) => (order.get(a.file) ?? files.length) - (order.get(b.file) ?? files.length) || a.line - b.line || a.column - b.column,
  );
  return { files, findings };
}

/** A folder's sequence files; anything else as given (a missing file is reported when read). */
async function expand(path: string): Promise<string[]> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDir ? listSequenceFiles(path) : [path];
}

function schemaFinding(p: SequenceProblem): LintFinding {
  const message = p.field === '' ? p.message : `${p.field}: ${p.message}`;
  return { ruleId: 'schema', level: 'error', file: p.file, line: p.line, column: p.column, field: p.field, message };
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];
