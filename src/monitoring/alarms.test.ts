import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { parse } from 'yaml';
import type { StatsReport } from '../stats/index.ts';
import { readAlarms, type AlarmSources, type SequenceAlarms } from './alarms.ts';
import { createWorkerMetrics } from './worker-metrics.ts';
import { sample } from '../../test/support/prometheus.ts';

const rate = (count: number, of: number) => ({ count, of, value: of === 0 ? undefined : count / of });
/** A stats report whose sequences have these totals; only the fields the alarms read. */
function reportOf(totals: Record<string, { sent: number; delivered: number; bounced: number; unsubscribed: number }>): StatsReport {
  return {
    sequences: Object.entries(totals).map(([sequenceId, t]) => ({
      sequenceId,
      total: { ...t, optOutRate: rate(t.unsubscribed, t.delivered) },
    })),
  } as unknown as StatsReport;
}

const now = new Date('2026-12-05T12:00:00Z');

describe('readAlarms', () => {
  it('reads the last seven days of stats and the oldest waiting task of each sequence', async () => {
    let asked: { from: Date; to: Date } | undefined;
    const sources: AlarmSources = {
      stats: async (period) => {
        asked = period;
        return reportOf({
          trial: { sent: 40, delivered: 38, bounced: 2, unsubscribed: 2 },
          quiet: { sent: 0, delivered: 0, bounced: 0, unsubscribed: 0 },
        });
      },
      tasks: {
        oldestWaitingBySequence: async () =>
          new Map([
            ['trial', new Date('2026-12-05T11:30:00Z')],
            ['gone', new Date('2026-12-04T12:00:00Z')],
          ]),
      },
      sequences: () => [],
    };
    const alarms = await readAlarms(sources, now);
    assert.deepEqual(asked, { from: new Date('2026-11-28T12:00:00Z'), to: now });
    assert.deepEqual(alarms, [
      // A file removed while its replies still wait: the queue's age still shows.
      { sequenceId: 'gone', delivered: 0, optOutRatio: undefined, bounceRatio: undefined, replyQueueAgeSeconds: 86_400 },
      { sequenceId: 'quiet', delivered: 0, optOutRatio: undefined, bounceRatio: undefined, replyQueueAgeSeconds: 0 },
      { sequenceId: 'trial', delivered: 38, optOutRatio: 2 / 38, bounceRatio: 2 / 40, replyQueueAgeSeconds: 1_800 },
    ]);
  });
});

describe('alarm gauges', () => {
  it('show a series per sequence, none for a ratio without a denominator, and drop sequences that are gone', async () => {
    let figures: SequenceAlarms[] = [
      { sequenceId: 'trial', delivered: 38, optOutRatio: 0.05, bounceRatio: 0.01, replyQueueAgeSeconds: 90 },
      { sequenceId: 'quiet', delivered: 0, optOutRatio: undefined, bounceRatio: undefined, replyQueueAgeSeconds: 0 },
    ];
    let clock = 0;
    const metrics = createWorkerMetrics({ alarms: async () => figures, alarmsCacheMs: 1_000, now: () => clock });
    const text = await metrics.render();
    assert.equal(sample(text, 'parley_sequence_opt_out_ratio{sequence="trial"}'), 0.05);
    assert.equal(sample(text, 'parley_sequence_bounce_ratio{sequence="trial"}'), 0.01);
    assert.equal(sample(text, 'parley_sequence_delivered{sequence="trial"}'), 38);
    assert.equal(sample(text, 'parley_reply_queue_age_seconds{sequence="trial"}'), 90);
    assert.equal(sample(text, 'parley_sequence_opt_out_ratio{sequence="quiet"}'), undefined);
    assert.equal(sample(text, 'parley_sequence_delivered{sequence="quiet"}'), 0);
    figures = [{ sequenceId: 'quiet', delivered: 5, optOutRatio: 0, bounceRatio: 0, replyQueueAgeSeconds: 0 }];
    assert.equal(sample(await metrics.render(), 'parley_sequence_delivered{sequence="quiet"}'), 0, 'cached within alarmsCacheMs');
    clock = 1_000;
    const later = await metrics.render();
    assert.equal(sample(later, 'parley_sequence_delivered{sequence="quiet"}'), 5);
    assert.equal(sample(later, 'parley_sequence_opt_out_ratio{sequence="trial"}'), undefined);
  });

  it('keeps the last good figures when a read fails, and counts the failure', async () => {
    let fail = false;
    let clock = 0;
    const metrics = createWorkerMetrics({
      alarms: async () => {
        if (fail) throw new Error('database down');
        return [{ sequenceId: 'trial', delivered: 10, optOutRatio: 0.1, bounceRatio: 0, replyQueueAgeSeconds: 5 }];
      },
      alarmsCacheMs: 1,
      now: () => clock,
    });
    await metrics.render();
    fail = true;
    clock = 10;
    const text = await metrics.render();
    assert.equal(sample(text, 'parley_sequence_opt_out_ratio{sequence="trial"}'), 0.1);
    // The counter renders before the gauges read: the failure shows from the next scrape.
    assert.equal(sample(await metrics.render(), 'parley_errors_total{component="metrics"}'), 1);
  });
});

describe('docs/alerts/parley.rules.yml', () => {
  it('is a Prometheus rules file whose expressions name only metrics the worker exports', async () => {
    const rules = parse(readFileSync(new URL('../../docs/alerts/parley.rules.yml', import.meta.url), 'utf8')) as {
      groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for?: string; annotations?: Record<string, string> }> }>;
    };
    const exported = await createWorkerMetrics({
      alarms: async () => [{ sequenceId: 's', delivered: 1, optOutRatio: 0, bounceRatio: 0, replyQueueAgeSeconds: 0 }],
    }).render();
    const names = new Set([...exported.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
    const alerts = rules.groups.flatMap((g) => g.rules);
    assert.ok(alerts.length >= 4);
    for (const rule of alerts) {
      assert.ok(rule.alert && rule.expr && rule.annotations?.summary, JSON.stringify(rule));
      for (const [metric] of rule.expr.matchAll(/\bparley_[a-z_]+/g)) {
        const base = metric.replace(/_(bucket|sum|count)$/, '');
        assert.ok(names.has(metric) || names.has(base), `${rule.alert}: ${metric} is not exported`);
      }
    }
  });
});
