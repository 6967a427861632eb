import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadSequenceFile, parseSequence, type Sequence } from '../../src/sequences/index.ts';

/** The test sequence with short waits (test/fixtures/sequences/quick-follow-up.yaml): two steps, seconds apart. */
export async function quickFollowUp(): Promise<Sequence> {
  const loaded = await loadSequenceFile('test/fixtures/sequences/quick-follow-up.yaml');
  assert.ok(loaded.ok, 'the quick-follow-up fixture loads');
  return loaded.sequence;
}

/** A fixture sequence file, edited before it is parsed (`edit` gets and returns its YAML). */
export function parseFixtureSequence(path: string, edit: (yaml: string) => string = (yaml) => yaml): Sequence {
  const parsed = parseSequence(edit(readFileSync(path, 'utf8')), path);
  assert.ok(parsed.ok, `${path} parses after the edit`);
  return parsed.sequence;
}
