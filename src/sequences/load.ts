import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../errors.ts';
import { parseSequenceWithPositions } from './parse.ts';
import type { Sequence, SequenceLoadResult, SequenceProblem } from './types.ts';

export async function loadSequenceFile(path: string): Promise<SequenceLoadResult> {
  return (await loadWithPositions(path)).result;
}

/**
 * Every *.yaml / *.yml in dir, in name order. A broken file is reported and skipped; the others
 * still load. Files sharing a sequence id are all skipped, since either could be the one meant,
 * and each gets a problem naming the others.
 */
export async function loadSequences(dir: string): Promise<{ sequences: Map<string, Sequence>; problems: SequenceProblem[] }> {
  const sequences = new Map<string, Sequence>();
  const problems: SequenceProblem[] = [];
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    // Dot files are editor lock and backup files (".#welcome.yaml"), not sequences.
    names = entries.filter((e) => e.isFile() && /^[^.].*\.ya?ml$/i.test(e.name)).map((e) => e.name).sort();
  } catch (error) {
    problems.push({ file: dir, line: 1, column: 1, field: '', message: `can't read the sequences folder: ${describeError(error)}` });
    return { sequences, problems };
  }

  const loaded = await Promise.all(names.map((name) => loadWithPositions(join(dir, name))));
  const byId = new Map<string, Loaded[]>();
  for (const entry of loaded) {
    if (!entry.result.ok) problems.push(...entry.result.problems);
    else byId.set(entry.result.sequence.id, [...(byId.get(entry.result.sequence.id) ?? []), entry]);
  }
  for (const [id, claimants] of byId) {
    const [only] = claimants;
    if (claimants.length === 1 && only?.result.ok) {
      sequences.set(id, only.result.sequence);
      continue;
    }
    for (const c of claimants) {
      const others = claimants.filter((o) => o !== c).map((o) => o.file).join(', ');
      problems.push(c.problemAt(['id'], `sequence id '${id}' is also used by ${others}; ids must be unique, so none of these files was loaded`));
    }
  }
  return { sequences, problems };
}

interface Loaded {
  file: string;
  result: SequenceLoadResult;
  problemAt: (path: readonly PropertyKey[], message: string) => SequenceProblem;
}

async function loadWithPositions(path: string): Promise<Loaded> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    const at = { file: path, line: 1, column: 1, field: '' };
    const problems = [{ ...at, message: `can't read the file: ${describeError(error)}` }];
    return { file: path, result: { ok: false, problems }, problemAt: (_, message) => ({ ...at, message }) };
  }
  return { file: path, ...parseSequenceWithPositions(source, path) };
}
