import type { Path } from '../locator.ts';
import type { Sequence } from '../types.ts';
import type { LintRuleId } from './catalog.ts';

/** One lint finding, at the offending field of the sequence file. */
export interface LintFinding {
  /** A rule id from LINT_RULES, or 'schema' for a file that doesn't load (the CLI reports those too). */
  ruleId: string;
  level: 'warn' | 'error';
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Path of the field, like "steps[1].body"; "" for the file as a whole. */
  field: string;
  /** What is wrong and what to do about it. */
  message: string;
}

/**
 * What a rule reports. `minor` findings are milder cases of the rule (a known but optional
 * variable without fallback): they are warnings even when the rule is at 'error'.
 */
export interface RuleFinding {
  path: Path;
  message: string;
  minor?: boolean;
}

export interface LintRule {
  id: LintRuleId;
  check(sequence: Sequence): RuleFinding[];
}
