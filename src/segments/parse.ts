import { Locator, parseYamlFile, type SequenceProblem } from '../sequences/index.ts';
import { segmentSchema, toSegment } from './schema.ts';
import type { Segment } from './types.ts';

export type SegmentLoadResult = { ok: true; segment: Segment } | { ok: false; problems: SequenceProblem[] };

/** Validates one segment file's text; problems name the file, line, column and field. Pure. */
export function parseSegment(source: string, file: string): SegmentLoadResult {
  const parsed = parseYamlFile(new Locator(source, file), segmentSchema, 'id, name and rules');
  return parsed.ok ? { ok: true, segment: toSegment(parsed.value, file) } : parsed;
}
