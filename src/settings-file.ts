import { readFileSync } from 'node:fs';
import { ErrorCodes, ParleyError } from './errors.ts';
import { formatProblem, type SequenceProblem } from './sequences/index.ts';

/**
 * Reads a settings file an environment variable names (WEBHOOKS_FILE, MAILBOXES_FILE) at start.
 * An unreadable file or any problem is CONFIG_INVALID, listing every problem by file:line:column
 * (the parsers never put a secret in a problem).
 */
export function readSettingsFile<T>(
  path: string,
  file: { variable: string; what: string },
  parse: (source: string) => { ok: true; value: T } | { ok: false; problems: readonly SequenceProblem[] },
): T {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new ParleyError(
      ErrorCodes.CONFIG_INVALID,
      `${file.variable} names ${path}, which cannot be read (${reason}): create it or unset ${file.variable}.`,
    );
  }
  const result = parse(source);
  if (result.ok) return result.value;
  throw new ParleyError(
    ErrorCodes.CONFIG_INVALID,
    `The ${file.what} has ${result.problems.length} problem(s); fix them and restart:\n${result.problems.map(formatProblem).join('\n')}`,
  );
}
