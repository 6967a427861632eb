// Helpers for segment tests (not part of the public surface).
import assert from 'node:assert/strict';
import { parseSegment } from './parse.ts';
import type { Segment } from './types.ts';

/** A segment from YAML, asserting it parses. */
export function segmentOf(source: string, file = 'segments/test.yaml'): Segment {
  const result = parseSegment(source, file);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems));
  return result.segment;
}
