import { toSequence } from './build.ts';
import { crossStepProblems } from './checks.ts';
import { Locator, type Path } from './locator.ts';
import { rememberPositions } from './positions.ts';
import { isMap } from 'yaml';
import { poolSequenceSchema, sequenceSchema } from './schema.ts';
import type { SequenceLoadResult } from './types.ts';
import { parseYamlFile } from './yaml-file.ts';

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
  // A pool (`senders:`) needs no `sender:`; without one, `sender:` is required as it always was.
  const schema = isMap(where.doc.contents) && where.doc.contents.has('senders') ? poolSequenceSchema : sequenceSchema;
  const parsed = parseYamlFile(where, schema, 'id, name, sender and steps', crossStepProblems);
  if (!parsed.ok) return parsed;
  return { ok: true, sequence: toSequence(parsed.value, where.file) };
}
