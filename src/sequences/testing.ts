// Helpers for this folder's tests (not part of the public surface).
import assert from 'node:assert/strict';
import { formatProblem } from './problems.ts';
import { parseSequence } from './parse.ts';
import type { Sequence, SequenceProblem } from './types.ts';

export const FILE = 'sequences/demo.yaml';
/** The required top of a file, three lines; steps start on line 4. */
export const HEAD = 'id: demo\nname: Demo\nsender: { name: Dana, address: dana@parley.example }\n';
/** One valid step, for tests about the other fields. */
export const ONE_STEP = 'steps:\n  - id: a\n    subject: s\n    body: hi\n';

export function sequenceOf(source: string): Sequence {
  const result = parseSequence(source, FILE);
  assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
  return result.sequence;
}

export function problemsOf(source: string): SequenceProblem[] {
  const result = parseSequence(source, FILE);
  assert.equal(result.ok, false, 'expected the sequence to be rejected');
  return result.ok ? [] : result.problems;
}

/** Asserts exactly one problem, at line:column in field, whose message matches. */
export function assertOneProblem(source: string, expected: { line: number; column: number; field: string; message: RegExp }): void {
  const problems = problemsOf(source);
  assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
  const [p] = problems;
  assert.deepEqual(
    { file: p?.file, line: p?.line, column: p?.column, field: p?.field },
    { file: FILE, line: expected.line, column: expected.column, field: expected.field },
  );
  assert.match(p?.message ?? '', expected.message);
}
