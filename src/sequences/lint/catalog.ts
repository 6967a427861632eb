/**
 * The lint rules by id, with what each checks and its default level. Kept apart from the rule
 * code so the file schema can validate a `lint:` map without importing the rules.
 */
export type LintLevel = 'off' | 'warn' | 'error';

export interface LintRuleInfo {
  readonly id: string;
  readonly description: string;
  readonly defaultLevel: LintLevel;
}

export const LINT_RULES = [
  { id: 'one-question', defaultLevel: 'error', description: 'each email asks exactly one question' },
  { id: 'plain-text', defaultLevel: 'error', description: 'no HTML tags, no markdown links or images, at most one URL' },
  { id: 'first-person-short', defaultLevel: 'warn', description: 'the body speaks as "I" and stays short' },
  { id: 'reply-worthy-subject', defaultLevel: 'warn', description: 'short, calm subjects: no shouting, no spam words' },
  { id: 'reply-cta', defaultLevel: 'warn', description: 'the email asks for a reply, not a form or a booking link' },
  { id: 'opt-out', defaultLevel: 'error', description: 'the sequence offers a way out' },
  { id: 'known-variables', defaultLevel: 'error', description: 'every template variable is a contact field or has a fallback' },
  { id: 'sending-hours', defaultLevel: 'warn', description: 'sends on weekdays, between 07:00 and 21:00 local time' },
] as const satisfies readonly LintRuleInfo[];

export type LintRuleId = (typeof LINT_RULES)[number]['id'];

export const LINT_RULE_IDS: readonly LintRuleId[] = LINT_RULES.map((r) => r.id);

export const LINT_LEVELS = ['off', 'warn', 'error'] as const satisfies readonly LintLevel[];
