import type { Sequence } from '../types.ts';
import { lintSequence } from './index.ts';
import type { LintFinding } from './types.ts';

/**
 * What lint says about using a sequence: errors block it (enrollment, segment enrollment, the
 * worker), warnings are shown and may be accepted (`parley enroll --force`). The file's own `lint:`
 * map sets the levels, as in `parley lint`.
 */
export interface LintVerdict {
  errors: LintFinding[];
  warnings: LintFinding[];
}

export function lintVerdict(sequence: Sequence): LintVerdict {
  const findings = lintSequence(sequence);
  return { errors: findings.filter((f) => f.level === 'error'), warnings: findings.filter((f) => f.level === 'warn') };
}

/** "sequences/a.yaml:12:5 steps[0].body (one-question): message", one finding a line. */
export function describeLintFindings(findings: readonly LintFinding[], indent = '  '): string {
  return findings.map((f) => `${indent}${f.file}:${f.line}:${f.column} ${f.field || '(file)'} (${f.ruleId}): ${f.message}`).join('\n');
}

/** The sequences that may enroll contacts (no lint errors), and the refused ones with their errors. */
export function withoutLintErrors(sequences: Iterable<Sequence>): {
  usable: Sequence[];
  refused: { sequence: Sequence; errors: LintFinding[] }[];
} {
  const usable: Sequence[] = [];
  const refused: { sequence: Sequence; errors: LintFinding[] }[] = [];
  for (const sequence of sequences) {
    const { errors } = lintVerdict(sequence);
    if (errors.length === 0) usable.push(sequence);
    else refused.push({ sequence, errors });
  }
  return { usable, refused };
}
