import { positionOf } from '../positions.ts';
import type { Sequence } from '../types.ts';
import { variantStep } from '../variants.ts';
import type { Path } from '../locator.ts';
import { LINT_RULES, type LintLevel, type LintRuleId } from './catalog.ts';
import { firstPersonShort } from './rules/first-person-short.ts';
import { knownVariables } from './rules/known-variables.ts';
import { oneQuestion } from './rules/one-question.ts';
import { optOut } from './rules/opt-out.ts';
import { plainText } from './rules/plain-text.ts';
import { replyCta } from './rules/reply-cta.ts';
import { replyWorthySubject } from './rules/reply-worthy-subject.ts';
import { sendingHours } from './rules/sending-hours.ts';
import type { LintFinding, LintRule, RuleFinding } from './types.ts';

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
    return checkEachVariant(rule, sequence).map((f): LintFinding => ({
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

/**
 * Runs a rule on the step's own text (variant `a`) and once per other variant id, on the sequence
 * as that variant writes it. A variant's finding is kept only for a field it changes, pointed at
 * that field under `variants:` and named; the rest repeat variant a's findings.
 */
function checkEachVariant(rule: LintRule, sequence: Sequence): RuleFinding[] {
  const varied = (index: unknown) => (sequence.steps[Number(index)]?.variants ?? []).length > 0;
  const own = rule
    .check(sequence)
    .map((f) => (isStepField(f.path) && varied(f.path[1]) ? { ...f, message: `variant a: ${f.message}` } : f));
  const ids = new Set(sequence.steps.flatMap((s) => (s.variants ?? []).map((v) => v.id)).filter((id) => id !== 'a'));
  const others = [...ids].flatMap((id) => {
    const steps = sequence.steps.map((s) => variantStep(s, id));
    return rule.check({ ...sequence, steps }).flatMap((f): RuleFinding[] => {
      if (!isStepField(f.path)) return [];
      const [, index, field] = f.path;
      const step = sequence.steps[index];
      const at = step?.variants?.findIndex((v) => v.id === id) ?? -1;
      const written = step?.variants?.[at];
      // variants[0] is `a`; the file's list starts at variants[1].
      if (!step || at < 1 || !written || written[field] === step[field]) return [];
      return [{ ...f, path: ['steps', index, 'variants', at - 1, field], message: `variant ${id}: ${f.message}` }];
    });
  });
  return [...own, ...others];
}

function isStepField(path: Path): path is readonly ['steps', number, 'subject' | 'body'] {
  return path.length === 3 && path[0] === 'steps' && typeof path[1] === 'number' && (path[2] === 'subject' || path[2] === 'body');
}
