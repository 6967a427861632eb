import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../errors.ts';
import type { Path } from './locator.ts';
import { parseSequenceWithPositions } from './parse.ts';
import type { Sequence, SequenceLoadResult, SequenceProblem } from './types.ts';

export interface LoadedSequences {
  sequences: Map<string, Sequence>;
  problems: SequenceProblem[];
}

export async function loadSequenceFile(path: string): Promise<SequenceLoadResult> {
  return (await loadWithPositions(path)).result;
}

/**
 * Every *.yaml / *.yml in dir, in name order. A broken file is reported and skipped; the others
 * still load (see loadSequenceFiles for the rules across files).
 */
export async function loadSequences(dir: string): Promise<LoadedSequences> {
  let files: string[];
  try {
    files = await listSequenceFiles(dir);
  } catch (error) {
    const problem = { file: dir, line: 1, column: 1, field: '', message: `can't read the sequences folder: ${describeError(error)}` };
    return { sequences: new Map(), problems: [problem] };
  }
  return loadSequenceFiles(files);
}

/** The sequence files in dir, in name order. Dot files are editor lock and backup files (".#welcome.yaml"), not sequences. */
export async function listSequenceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /^[^.].*\.ya?ml$/i.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * Loads the given files as one set. Besides each file's own problems: files sharing a sequence id
 * are all skipped, since either could be the one meant; and a file whose outcomes `move_to` a
 * sequence the set doesn't have is skipped, since a reply would strand its contact.
 */
export async function loadSequenceFiles(files: readonly string[]): Promise<LoadedSequences> {
  const problems: SequenceProblem[] = [];
  const loaded = await Promise.all(files.map(loadWithPositions));
  const byId = new Map<string, Loaded[]>();
  for (const entry of loaded) {
    if (!entry.result.ok) problems.push(...entry.result.problems);
    else byId.set(entry.result.sequence.id, [...(byId.get(entry.result.sequence.id) ?? []), entry]);
  }

  const unique = new Map<string, { sequence: Sequence; entry: Loaded }>();
  for (const [id, claimants] of byId) {
    const [only] = claimants;
    if (claimants.length === 1 && only?.result.ok) {
      unique.set(id, { sequence: only.result.sequence, entry: only });
      continue;
    }
    for (const c of claimants) {
      const others = claimants
        .filter((o) => o !== c)
        .map((o) => o.file)
        .join(', ');
      problems.push(
        c.problemAt(['id'], `sequence id '${id}' is also used by ${others}; ids must be unique, so none of these files was loaded`),
      );
    }
  }
  problems.push(...dropBrokenMoves(unique));
  return { sequences: new Map([...unique].map(([id, { sequence }]) => [id, sequence])), problems };
}

/** Removes sequences that move contacts to a sequence not in the set, until none is left (a removal can strand another). */
function dropBrokenMoves(set: Map<string, { sequence: Sequence; entry: Loaded }>): SequenceProblem[] {
  const problems: SequenceProblem[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const [id, { sequence, entry }] of set) {
      const broken = moveTargets(sequence).filter((m) => !set.has(m.sequenceId));
      if (broken.length === 0) continue;
      set.delete(id);
      changed = true;
      for (const m of broken) {
        problems.push(
          entry.problemAt(
            m.path,
            `${m.field} names sequence '${m.sequenceId}', which no loaded file has; fix the id or add that sequence (this file was not loaded)`,
          ),
        );
      }
    }
  }
  return problems;
}

function moveTargets(sequence: Sequence): Array<{ sequenceId: string; path: Path; field: string }> {
  const scopes: Array<{ outcomes: Sequence['outcomes']; at: Path }> = [
    { outcomes: sequence.outcomes, at: ['outcomes'] },
    ...sequence.steps.map((s) => ({ outcomes: s.outcomes, at: ['steps', s.index, 'outcomes'] })),
  ];
  const moves = scopes.flatMap(({ outcomes, at }) =>
    Object.entries(outcomes).flatMap(([intent, outcome]) =>
      outcome?.action === 'move_to' ? [{ sequenceId: outcome.sequenceId, path: [...at, intent, 'sequence'], field: 'move_to' }] : [],
    ),
  );
  // A referred person enrolled into a missing sequence would be lost the same way.
  const referral = sequence.referral?.action === 'enroll_referred' ? sequence.referral : undefined;
  return referral ? [...moves, { sequenceId: referral.sequenceId, path: ['referral', 'sequence'], field: 'referral' }] : moves;
}

interface Loaded {
  file: string;
  result: SequenceLoadResult;
  problemAt: (path: Path, message: string) => SequenceProblem;
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
