import { type Document, isMap, isNode, visit } from 'yaml';
import type { z } from 'zod';
import { describeError } from '../errors.ts';
import type { Locator, Path } from './locator.ts';
import type { SequenceProblem } from './types.ts';

/** A file's validated value, or its problems sorted by position (each with file, line, column and field). */
export type YamlFileResult<T> = { ok: true; value: T } | { ok: false; problems: SequenceProblem[] };

/**
 * Validates one YAML file against a zod schema: YAML syntax errors, a top level that isn't a
 * mapping, unknown keys (each at its own key), missing fields, wrong types; `extraProblems` adds
 * rules across fields. Shared by sequence and segment files, so both report problems alike.
 */
export function parseYamlFile<S extends z.ZodType>(
  where: Locator,
  schema: S,
  expectedFields: string,
  extraProblems: (raw: unknown) => Array<{ path: Path; message: string }> = () => [],
): YamlFileResult<z.output<S>> {
  const { doc } = where;
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((e) => where.problem([], e.message, e.pos[0])));
  }
  if (!isMap(doc.contents)) {
    const found = doc.contents === null ? 'an empty file' : isNode(doc.contents) && 'items' in doc.contents ? 'a list' : 'a single value';
    return fail([where.problem([], `expected a mapping with ${expectedFields}; found ${found}`)]);
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // yaml reports an alias to an anchor that doesn't exist (`*nope`) only when converting.
    return fail([where.problem([], describeError(error), unresolvedAlias(doc))]);
  }
  const parsed = schema.safeParse(raw);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => issueProblems(issue, where))),
    ...extraProblems(raw).map((p) => where.problem(p.path, p.message)),
  ];
  if (!parsed.success || problems.length > 0) return fail(problems);
  return { ok: true, value: parsed.data };
}

function fail(problems: SequenceProblem[]): { ok: false; problems: SequenceProblem[] } {
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, problems };
}

/** One zod issue as problems; each unknown key becomes its own problem, at the key. */
function issueProblems(issue: z.core.$ZodIssue, where: Locator): SequenceProblem[] {
  const path = issue.path;
  const message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => where.problem([...path, key], `unknown field '${key}'; ${issue.message}`, where.keyOffset(path, key)));
  }
  // Any issue at a path the file doesn't have is a missing field. So refinements in schema*.ts
  // point at a field that is written whenever they can fail (or at the object they check).
  if (path.length > 0 && !where.doc.hasIn(path)) {
    // zod's own "expected string, received undefined" says nothing a writer needs; a custom message does.
    const hint = issue.message.startsWith('Invalid input') ? '' : `: ${message}`;
    return [where.problem(path, `missing required field '${String(path.at(-1))}'${hint}`)];
  }
  if (issue.code === 'invalid_type' && where.doc.getIn(path) === null) {
    return [where.problem(path, `has no value; expected ${issue.expected}`)];
  }
  return [where.problem(path, message)];
}

function unresolvedAlias(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      offset = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}
