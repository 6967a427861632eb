import { positionOf } from '../positions.ts';
import type { Sequence } from '../types.ts';
import { LINT_RULES, type LintLevel, type LintRuleId } from './catalog.ts';
import { firstPersonShort } from './rules/first-person-short.ts';
import { knownVariables } from './rules/known-variables.ts';
import { oneQuestion } from './rules/one-question.ts';
import { optOut } from './rules/opt-out.ts';
import { plainText } from './rules/plain-text.ts';
import { replyCta } from './rules/reply-cta.ts';
import { replyWorthySubject } from './rules/reply-worthy-subject.ts';
import { sendingHours } from './rules/sending-hours.ts';
import type { LintFinding, LintRule } from './types.ts';

export { LINT_RULES, LINT_RULE_IDS, LINT_LEVELS, type LintLevel, type LintRuleId, type LintRuleInfo } from './catalog.ts';
export type { LintFinding } from './types.ts';

const RULES: readonly LintRule[] = [
  oneQuestion,
  plainText,
  firstPersonShort,
  replyWorthySubject,
  replyCta,
  optOut,
  knownVariables,
  sendingHours,
];

export interface LintOptions {
  /** Levels by rule id that win over the file's `lint:` map (the CLI's --rule id=level). */
  rules?: Readonly<Partial<Record<string, LintLevel>>>;
}

/**
 * Checks a loaded sequence against the writing advice. Each rule's level is its default, then
 * the file's `lint:` map, then options.rules. Findings are in file order.
 */
export function lintSequence(sequence: Sequence, options: LintOptions = {}): LintFinding[] {
  const findings = RULES.flatMap((rule) => {
    const level = levelOf(rule.id, sequence, options);
    if (level === 'off') return [];
    return rule.check(sequence).map((f): LintFinding => ({
      ruleId: rule.id,
      // A minor finding never outranks a warning, even when its rule is an error.
      level: f.minor ? 'warn' : level,
      ...positionOf(sequence, f.path),
      message: f.message,
    }));
  });
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

function levelOf(id: LintRuleId, sequence: Sequence, options: LintOptions): LintLevel {
  const byDefault = LINT_RULES.find((r) => r.id === id)?.defaultLevel ?? 'error';
  return options.rules?.[id] ?? sequence.lint[id] ?? byDefault;
}
