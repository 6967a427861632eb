import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { utcDay, type EventDoc } from '../db/index.ts';
import { HISTORY_SEQUENCES, randomHistory } from '../../test/support/random-stats-history.ts';
import { computeStats } from './collector.ts';
import { DaySummary, decodePart } from './days.ts';
import type { StatsEvent, StatsPeriod } from './types.ts';

const START = new Date('2026-03-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** Every event through a day summary and back, in parts of `partEvents`. */
function throughSummaries(events: readonly EventDoc[], partEvents: number): StatsEvent[] {
  const days = new Map<string, DaySummary>();
  for (const event of events) {
    if (!['email_sent', 'email_bounced', 'replied', 'unsubscribed', 'qualified', 'task_answered'].includes(event.type)) continue;
    const day = utcDay(event.at);
    const summary = days.get(day) ?? new DaySummary(day);
    summary.add(event);
    days.set(day, summary);
  }
  return [...days].flatMap(([day, summary]) =>
    [...summary.parts(partEvents)].flatMap((part) => decodePart({ day, sequenceId: part.sequenceId, events: part.events })),
  );
}

// The pure half of the day summaries: what a summary keeps of the events must count exactly as the events do.
describe('stats day summaries, compact form', () => {
  it('count exactly as the events they summarize, for random histories, periods and reads', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { events, enrollments } = randomHistory(seed, { start: START, days: 9, events: 300 });
      const decoded = throughSummaries(events, 1 + (seed % 13));
      const period: StatsPeriod = {
        from: new Date(START.getTime() + (seed % 3) * DAY_MS + seed * 611_000),
        to: new Date(START.getTime() + (5 + (seed % 4)) * DAY_MS - seed * 97_000),
      };
      for (const asOf of [new Date(period.to.getTime() - DAY_MS / 3), period.to, new Date(START.getTime() + 9 * DAY_MS)]) {
        for (const sequenceId of [undefined, 'alpha', 'retired']) {
          const options = { period, asOf, sequences: HISTORY_SEQUENCES, sequenceId };
          const upTo = <T extends { at: Date; type: string }>(list: readonly T[]) =>
            list.filter((e) => e.type === 'email_sent' || e.at <= asOf);
          const expected = computeStats({ ...options, events: upTo(events), enrollments });
          assert.deepEqual(
            computeStats({ ...options, events: upTo(decoded), enrollments }),
            expected,
            `seed ${seed}, as of ${asOf.toISOString()}, ${sequenceId ?? 'all'}`,
          );
        }
      }
    }
  });

  it('refuses an event of another day', () => {
    const summary = new DaySummary('2026-03-02');
    assert.throws(
      () => summary.add({ _id: 'email_sent:x', type: 'email_sent', at: new Date('2026-03-03T00:00:00Z'), enrollmentId: 'e' }),
      /not of 2026-03-02/,
    );
  });
});
