import { ErrorCodes, ParleyError } from '../errors.ts';
import type { SequenceProblem } from './types.ts';

/** "sequences/welcome.yaml:12:5 steps[1].wait: …", the shape editors and terminals link to. */
export function formatProblem(p: SequenceProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return p.field === '' ? `${where} ${p.message}` : `${where} ${p.field}: ${p.message}`;
}

/** For callers that must stop on a broken sequence (the worker at start, the CLI's lint). */
export class SequenceInvalidError extends ParleyError {
  readonly problems: SequenceProblem[];

  constructor(problems: SequenceProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(ErrorCodes.SEQUENCE_INVALID, `Sequence files have ${count}; fix them and reload:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'SequenceInvalidError';
    this.problems = problems;
  }
}
