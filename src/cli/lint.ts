import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.ts';
import { LINT_RULES, lintPaths, type LintExtension, type LintFinding, type LintLevel } from '../sequences/index.ts';

export type { LintExtension } from '../sequences/index.ts';

const LEVELS: readonly LintLevel[] = ['off', 'warn', 'error'];

interface LintCliOptions {
  json?: boolean;
  rule: Record<string, LintLevel>;
}

/**
 * `parley lint [paths...]`: schema problems and writing advice for sequence files. Exits 1 when
 * anything is an error, so CI can gate on it; warnings alone exit 0. `extensions` add checks that
 * need more than the files (the worker's database, say).
 */
export function lintCommand(options: { extensions?: readonly LintExtension[] } = {}): Command {
  return new Command('lint')
    .description('check sequence files: that they load, and that their emails follow the writing advice')
    .argument('[paths...]', 'sequence files or folders (default: SEQUENCES_DIR, else ./sequences)')
    .option('--json', 'print the findings as one JSON array')
    .option('--rule <id=level>', `set a rule's level (${LEVELS.join('|')}), over the file's lint: map; repeatable`, collectRule, {})
    .action(async (paths: string[], cli: LintCliOptions) => {
      const targets = paths.length > 0 ? paths : [loadConfig(process.env).sequencesDir];
      const { files, findings } = await lintPaths(targets, { rules: cli.rule, extensions: options.extensions ?? [] });
      if (cli.json) console.log(JSON.stringify(findings, null, 2));
      else {
        for (const f of findings) console.log(formatFinding(f));
        console.log(summary(files.length, findings));
      }
      if (findings.some((f) => f.level === 'error')) process.exitCode = 1;
    });
}

/** "sequences/a.yaml:12:5  warn  reply-cta  message": the file:line:column editors link to. */
export function formatFinding(f: LintFinding): string {
  return `${f.file}:${f.line}:${f.column}  ${f.level}  ${f.ruleId}  ${f.message}`;
}

function summary(fileCount: number, findings: readonly LintFinding[]): string {
  const files = plural(fileCount, 'file');
  if (findings.length === 0) return `${files} checked: no problems.`;
  const errors = findings.filter((f) => f.level === 'error').length;
  return `${files} checked: ${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}.`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function collectRule(value: string, previous: Record<string, LintLevel>): Record<string, LintLevel> {
  const [id = '', level = ''] = value.split('=', 2).map((s) => s.trim());
  if (!LINT_RULES.some((r) => r.id === id)) {
    throw new InvalidArgumentError(`unknown rule '${id}'; rules: ${LINT_RULES.map((r) => r.id).join(', ')}`);
  }
  const known = LEVELS.find((l) => l === level);
  if (known === undefined) throw new InvalidArgumentError(`level must be one of ${LEVELS.join(', ')}, as in ${id}=warn`);
  return { ...previous, [id]: known };
}
