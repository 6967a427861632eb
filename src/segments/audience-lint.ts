import { positionOf, type LintFinding, type Sequence } from '../sequences/index.ts';
import type { Segment } from './types.ts';

export const AUDIENCE_SEGMENT_RULE = 'audience-segment';

/**
 * A sequence whose audience names a segment no file defines would never enrol anyone: an error,
 * pointing at `audience.segment`, listing the segments there are.
 */
export function audienceFindings(sequences: readonly Sequence[], segments: readonly Segment[]): LintFinding[] {
  const known = new Set(segments.map((s) => s.id));
  return sequences.flatMap((sequence): LintFinding[] => {
    const id = sequence.audience.segment;
    if (id === undefined || known.has(id)) return [];
    const list = known.size === 0 ? 'there are no segment files' : `known: ${[...known].sort().join(', ')}`;
    return [
      {
        ruleId: AUDIENCE_SEGMENT_RULE,
        level: 'error',
        ...positionOf(sequence, ['audience', 'segment']),
        message: `no segment '${id}' in the segments folder (${list}): nobody would join this sequence; fix the id or add segments/${id}.yaml`,
      },
    ];
  });
}
