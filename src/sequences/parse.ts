import { type Document, isMap, isNode, visit } from 'yaml';
import type { z } from 'zod';
import { describeError } from '../errors.ts';
import { toSequence } from './build.ts';
import { crossStepProblems } from './checks.ts';
import { Locator, type Path } from './locator.ts';
import { rememberPositions } from './positions.ts';
import { sequenceSchema } from './schema.ts';
import type { SequenceLoadResult, SequenceProblem } from './types.ts';

/** Validates one sequence file's text. Pure: `file` only labels the problems. */
export function parseSequence(source: string, file: string): SequenceLoadResult {
  return parseSequenceWithPositions(source, file).result;
}

/** parseSequence plus a way to find a field's position (loadSequences points at duplicate ids and missing move_to targets). */
export function parseSequenceWithPositions(source: string, file: string) {
  const where = new Locator(source, file);
  const result = validate(where);
  if (result.ok) rememberPositions(result.sequence, where);
  return { result, problemAt: (path: Path, message: string) => where.problem(path, message) };
}

function validate(where: Locator): SequenceLoadResult {
  const { doc } = where;
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((e) => where.problem([], e.message, e.pos[0])));
  }
  if (!isMap(doc.contents)) {
    const found = doc.contents === null ? 'an empty file' : isNode(doc.contents) && 'items' in doc.contents ? 'a list' : 'a single value';
    return fail([where.problem([], `expected a mapping with id, name, sender and steps; found ${found}`)]);
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // yaml reports an alias to an anchor that doesn't exist (`*nope`) only when converting.
    return fail([where.problem([], describeError(error), unresolvedAlias(doc))]);
  }
  const parsed = sequenceSchema.safeParse(raw);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => issueProblems(issue, where))),
    ...crossStepProblems(raw).map((p) => where.problem(p.path, p.message)),
  ];
  if (!parsed.success || problems.length > 0) return fail(problems);
  return { ok: true, sequence: toSequence(parsed.data, where.file) };
}

function fail(problems: SequenceProblem[]): SequenceLoadResult {
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, problems };
}

/** One zod issue as problems; each unknown key becomes its own problem, at the key. */
function issueProblems(issue: z.core.$ZodIssue, where: Locator): SequenceProblem[] {
  const path = issue.path;
  const message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      where.problem([...path, key], `unknown field '${key}'; ${issue.message}`, where.keyOffset(path, key)),
    );
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
