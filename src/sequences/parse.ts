import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { describeError } from '../errors.ts';
import { crossStepProblems } from './checks.ts';
import { sequenceSchema, type SequenceInput } from './schema.ts';
import type { Sequence, SequenceLoadResult, SequenceProblem } from './types.ts';

type Path = readonly PropertyKey[];

/** Validates one sequence file's text. Pure: `file` only labels the problems. */
export function parseSequence(source: string, file: string): SequenceLoadResult {
  return parseSequenceWithPositions(source, file).result;
}

/** parseSequence plus a way to find a field's position (loadSequences points at duplicate ids). */
export function parseSequenceWithPositions(source: string, file: string) {
  const where = new Locator(source, file);
  const result = validate(where);
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
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      where.problem([...path, key], `unknown field '${key}'; ${issue.message}`, where.keyOffset(path, key)),
    );
  }
  if (issue.code === 'invalid_type' && !where.doc.hasIn(path)) {
    return [where.problem(path, `missing required field '${String(path.at(-1))}'`)];
  }
  if (issue.code === 'invalid_type' && where.doc.getIn(path) === null) {
    return [where.problem(path, `has no value; expected ${issue.expected}`)];
  }
  return [where.problem(path, issue.message.replace(/^Invalid input: /, ''))];
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

/** Frozen, because renderStep caches parsed templates per step object. */
function toSequence(input: SequenceInput, file: string): Sequence {
  const steps = input.steps.map((s, index) =>
    Object.freeze({ id: s.id, index, waitMs: s.wait ?? 0, subject: s.subject, body: s.body }),
  );
  return Object.freeze({
    id: input.id,
    name: input.name,
    file,
    sender: Object.freeze({ ...input.sender }),
    steps: Object.freeze(steps),
  });
}

/** Maps field paths and offsets in one YAML file to 1-based lines and columns. */
class Locator {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(source: string, readonly file: string) {
    this.doc = parseDocument(source, { lineCounter: this.lines, prettyErrors: false });
  }

  /** A problem at offset; by default where path's node starts, or its nearest existing ancestor (a missing field points at its parent map). */
  problem(path: Path, message: string, offset = this.offsetOf(path)): SequenceProblem {
    // linePos answers line 0 for offsets before the first newline it has counted.
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: Math.max(line, 1), column: Math.max(col, 1), field: fieldName(path), message };
  }

  private offsetOf(path: Path): number {
    for (let p = [...path]; p.length > 0; p = p.slice(0, -1)) {
      const node = this.doc.getIn(p, true);
      if (isNode(node) && node.range) return node.range[0];
    }
    return this.doc.contents?.range?.[0] ?? 0;
  }

  /** Where a key inside the map at path is written (an unknown field), else where the map starts. */
  keyOffset(path: Path, key: string): number {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
    return isScalar(pair?.key) && pair.key.range ? pair.key.range[0] : this.offsetOf(path);
  }
}

/** "steps[1].wait" for ['steps', 1, 'wait']. */
function fieldName(path: Path): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}
