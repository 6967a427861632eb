import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { computeStats, type StatsEvent } from '../stats/index.ts';
import { formatStatsReport } from './stats-table.ts';

const AT = new Date('2026-03-02T10:00:00Z');

/** `count` sends of step hello with `variant`, the first `replied` of them answered. */
function sends(variant: string, count: number, replied: number): StatsEvent[] {
  return Array.from({ length: count }, (_, i): StatsEvent[] => {
    const base = { sequenceId: 'ab', stepId: 'hello', enrollmentId: `${variant}${i}` };
    const sent: StatsEvent = { _id: `email_sent:${variant}${i}`, type: 'email_sent', at: AT, ...base, props: { variant } };
    return i < replied
      ? [sent, { _id: `replied:${variant}${i}`, type: 'replied', at: AT, ...base, props: { intent: 'interested' } }]
      : [sent];
  }).flat();
}

describe('parley stats table', () => {
  it('lists the A/B variants of a step with their rates and the significance note', () => {
    const report = computeStats({
      period: { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-08T00:00:00Z') },
      asOf: new Date('2026-03-08T00:00:00Z'),
      sequences: [{ id: 'ab', name: 'AB', stepIds: ['hello'] }],
      events: [...sends('a', 10, 1), ...sends('b', 20, 5)],
      enrollments: [],
    });
    const text = formatStatsReport(report, new Set(['ab']));
    assert.match(
      text,
      /A\/B variants of step 1 hello:\n\s+Variant\s+Sent\s+Replied\s+Reply\s+Positive\n\s+a\s+10\s+1\s+10\.0%\s+10\.0%\n\s+b\s+20\s+5\s+25\.0%\s+25\.0%\n\s+not enough data yet/,
    );
  });
});
