import { createHash } from 'node:crypto';
import type { TrainingExample } from './model.ts';

/** One reply in this many is held out for evaluation (20%). */
const TEST_EVERY = 5;

/**
 * Whether a reply belongs to the held-out test set: decided by a hash of its own text, so the
 * split is the same on every machine and run, does not shift when replies are added or reordered,
 * and a reply can never be in both halves.
 */
export function isHeldOut(text: string): boolean {
  const digest = createHash('sha256').update(text.normalize('NFC').trim().toLowerCase()).digest();
  return digest.readUInt32BE(0) % TEST_EVERY === 0;
}

export interface CorpusSplit {
  train: TrainingExample[];
  test: TrainingExample[];
}

export function splitCorpus(corpus: ReadonlyArray<TrainingExample>): CorpusSplit {
  const split: CorpusSplit = { train: [], test: [] };
  for (const example of corpus) (isHeldOut(example.text) ? split.test : split.train).push(example);
  return split;
}
