import { ErrorCodes, ParleyError } from '../errors.ts';
import { formatProblem, loadSequences, type Sequence } from '../sequences/index.ts';

/** The sequences in a folder, with the one a command names; a clear error naming what exists when it's missing or broken. */
export async function loadNamedSequence(dir: string, id: string): Promise<{ sequence: Sequence; all: ReadonlyMap<string, Sequence> }> {
  const { sequences, problems } = await loadSequences(dir);
  const sequence = sequences.get(id);
  if (!sequence) {
    const broken = problems.map(formatProblem).join('\n');
    throw new ParleyError(
      ErrorCodes.SEQUENCE_NOT_FOUND,
      `No sequence "${id}" in ${dir}; known: ${[...sequences.keys()].join(', ') || 'none'}.${broken ? `\nBroken files (run \`parley lint\`):\n${broken}` : ''}`,
    );
  }
  return { sequence, all: sequences };
}
