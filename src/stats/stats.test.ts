import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { OWN_EVENTS } from '../events/types.ts';
import { computeStats } from './collector.ts';
import {
  FIXTURE_AS_OF,
  FIXTURE_EXPECTED,
  FIXTURE_PERIOD,
  FIXTURE_SEQUENCES,
  fixtureEnrollments,
  fixtureEvents,
  reportShape,
} from './testing.ts';
import type { StatsReport, StatsEvent } from './types.ts';

const fixtureReport = (sequenceId?: string): StatsReport =>
  computeStats({
    period: FIXTURE_PERIOD,
    asOf: FIXTURE_AS_OF,
    sequences: FIXTURE_SEQUENCES,
    sequenceId,
    events: fixtureEvents(),
    enrollments: fixtureEnrollments(),
  });

describe('conversation metrics on the fixture (numbers worked out in testing.ts)', () => {
  const report = fixtureReport();

  it('counts every step and sequence as worked out by hand', () => {
    assert.deepEqual(reportShape(report), FIXTURE_EXPECTED);
  });

  it('lists the catalog in order, then sequences known only from events; steps in file order, then retired ones', () => {
    assert.deepEqual(
      report.sequences.map((s) => [s.sequenceId, s.name]),
      [
        ['trial', 'Trial follow-up'],
        ['empty', 'Nothing sent yet'],
        ['other', undefined],
      ],
    );
    const trial = report.sequences[0];
    assert.deepEqual(
      trial?.steps.map((s) => [s.stepId, s.position]),
      [
        ['hello', 1],
        ['nudge', 2],
        ['last', 3],
        ['retired', undefined],
      ],
    );
  });

  it('divides by delivered, and has no rate where nothing was delivered', () => {
    const [trial, empty] = report.sequences;
    assert.equal(trial?.steps[0]?.replyRate.value, 2 / 6);
    assert.equal(trial?.total.optOutRate.value, 1 / 8);
    assert.equal(trial?.total.conversationToPipeline.value, 2 / 5);
    assert.equal(trial?.completion.value, 2 / 10);
    assert.equal(empty?.total.replyRate.value, undefined);
    assert.equal(empty?.completion.value, undefined);
    assert.equal(trial?.steps[2]?.conversationToPipeline.value, undefined);
  });

  it('buckets the counted answer times', () => {
    assert.deepEqual(
      report.responseTimes.histogram.map((b) => b.count),
      [2, 0, 1, 1, 0, 1],
    );
    assert.deepEqual(
      [report.responseTimes.answered, report.responseTimes.medianMs, report.responseTimes.p90Ms],
      [5, 45 * 60_000, 30 * 3_600_000],
    );
  });

  it('counts replies per UTC day and intent, from the first day to the last counted reply', () => {
    const days = report.intentsByDay;
    assert.equal(days[0]?.day, '2026-03-01');
    assert.equal(days.at(-1)?.day, '2026-04-03');
    assert.equal(days.length, 34);
    const nonEmpty = days.filter((d) => d.total > 0).map((d) => [d.day, d.byIntent]);
    assert.deepEqual(nonEmpty, [
      ['2026-03-03', { interested: 1 }],
      ['2026-03-06', { question: 1 }],
      ['2026-03-09', { question: 1 }],
      ['2026-03-11', { unsubscribe: 1 }],
      ['2026-03-30', { meeting_request: 1 }],
      ['2026-04-03', { not_interested: 1 }],
    ]);
    const other = report.sequences.find((s) => s.sequenceId === 'other');
    assert.equal(other?.intentsByDay.length, 34, 'every sequence on the same axis');
    assert.deepEqual(
      other?.intentsByDay.filter((d) => d.total > 0).map((d) => d.day),
      ['2026-03-11'],
    );
  });

  it('reports only the sequence asked for', () => {
    const only = fixtureReport('other');
    assert.deepEqual(
      only.sequences.map((s) => s.sequenceId),
      ['other'],
    );
    assert.deepEqual(reportShape(only), { other: FIXTURE_EXPECTED.other });
    assert.deepEqual(
      only.intentsByDay.filter((d) => d.total > 0).map((d) => d.day),
      ['2026-03-11'],
    );
  });

  it('gives the same numbers whatever order the events come in', () => {
    const shuffled = computeStats({
      period: FIXTURE_PERIOD,
      asOf: FIXTURE_AS_OF,
      sequences: FIXTURE_SEQUENCES,
      events: fixtureEvents().reverse(),
      enrollments: fixtureEnrollments().reverse(),
    });
    assert.deepEqual(shuffled, report);
  });
});

describe('the opt-out warning', () => {
  const at = new Date('2026-03-02T10:00:00Z');
  /** n enrollments got step s1; the first `out` of them unsubscribed. */
  function optOuts(n: number, out: number) {
    const events: StatsEvent[] = [];
    for (let i = 0; i < n; i++) {
      events.push({
        _id: `${OWN_EVENTS.sent}:e${i}:s1#1`,
        type: OWN_EVENTS.sent,
        at,
        sequenceId: 'q',
        stepId: 's1',
        enrollmentId: `e${i}`,
      });
      if (i < out)
        events.push({
          _id: `${OWN_EVENTS.unsubscribed}:c${i}`,
          type: OWN_EVENTS.unsubscribed,
          at,
          sequenceId: 'q',
          stepId: 's1',
          enrollmentId: `e${i}`,
        });
    }
    const report = computeStats({ period: FIXTURE_PERIOD, asOf: FIXTURE_AS_OF, sequences: [], events, enrollments: [] });
    return report.sequences[0]?.total;
  }

  it('stays off at exactly 3% and comes on above it', () => {
    assert.deepEqual([optOuts(100, 3)?.optOutRate.value, optOuts(100, 3)?.optOutWarning], [0.03, false]);
    assert.deepEqual([optOuts(100, 4)?.optOutRate.value, optOuts(100, 4)?.optOutWarning], [0.04, true]);
    assert.equal(optOuts(33, 1)?.optOutWarning, true, '1 of 33 is 3.03%');
  });
});
