import { loadConfig } from '../config.ts';
import { audienceFindings, loadSegments } from '../segments/index.ts';
import type { LintExtension } from '../sequences/index.ts';

/** `parley lint` also checks that every segment a sequence's audience names exists in SEGMENTS_DIR. */
export const segmentAudienceLint: LintExtension = async (sequences) => {
  const { segments } = await loadSegments(loadConfig(process.env).segments.dir);
  return audienceFindings(sequences, [...segments.values()]);
};
