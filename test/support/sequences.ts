import assert from 'node:assert/strict';
import { loadSequenceFile, type Sequence } from '../../src/sequences/index.ts';

/** The test sequence with short waits (test/fixtures/sequences/quick-follow-up.yaml): two steps, seconds apart. */
export async function quickFollowUp(): Promise<Sequence> {
  const loaded = await loadSequenceFile('test/fixtures/sequences/quick-follow-up.yaml');
  assert.ok(loaded.ok, 'the quick-follow-up fixture loads');
  return loaded.sequence;
}
