import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { register as globalRegistry } from 'prom-client';
import type { OperationalSnapshot } from './snapshot.ts';
import { createWorkerMetrics } from './worker-metrics.ts';

const snapshotOf = (dueEnrollments: number, oldestDueAt?: Date): OperationalSnapshot => ({
  dueEnrollments,
  oldestDueAt,
  openTasks: { open: 3, claimed: 1, answered: 0, snoozed: 2 },
});

/** The value of one sample line, e.g. `parley_steps_sent_total{sequence="a"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('worker metrics', () => {
  it('renders what the domain reported, in the Prometheus text format', async () => {
    const metrics = createWorkerMetrics();
    metrics.stepSent('trial');
    metrics.stepSent('trial');
    metrics.stepSent('pricing');
    metrics.sendFailed('trial', 'temporary');
    metrics.sendFailed('trial', 'permanent');
    metrics.stepDeferred('trial');
    metrics.stepSkipped('pricing');
    metrics.replyHandled('interested', 'pause_and_task', 0.02);
    metrics.replyHandled('unsubscribe', 'unmatched', 0.2);
    metrics.quarantined('MESSAGE_TOO_LARGE');
    metrics.pollFinished(0.3, 4);
    metrics.pollFailed(1.5);
    metrics.sendRunFinished(2, true);
    metrics.failed('task-upkeep');
    metrics.deliveryRefused('trial', 'spam_detected');

    const text = await metrics.render();
    assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(text, 'parley_steps_sent_total{sequence="trial"}'), 2);
    assert.equal(sample(text, 'parley_steps_sent_total{sequence="pricing"}'), 1);
    assert.equal(sample(text, 'parley_delivery_refusals_total{sequence="trial",reason="spam_detected"}'), 1);
    assert.equal(sample(text, 'parley_send_failures_total{sequence="trial",kind="temporary"}'), 1);
    assert.equal(sample(text, 'parley_send_failures_total{sequence="trial",kind="permanent"}'), 1);
    assert.equal(sample(text, 'parley_steps_deferred_total{sequence="trial"}'), 1);
    assert.equal(sample(text, 'parley_steps_skipped_total{sequence="pricing"}'), 1);
    assert.equal(sample(text, 'parley_replies_handled_total{intent="interested",outcome="pause_and_task"}'), 1);
    assert.equal(sample(text, 'parley_replies_handled_total{intent="unsubscribe",outcome="unmatched"}'), 1);
    assert.equal(sample(text, 'parley_messages_quarantined_total{code="MESSAGE_TOO_LARGE"}'), 1);
    assert.equal(sample(text, 'parley_inbound_messages_total'), 4);
    assert.equal(sample(text, 'parley_reply_handling_duration_seconds_count'), 2);
    assert.equal(sample(text, 'parley_reply_handling_duration_seconds_bucket{le="0.025"}'), 1);
    assert.equal(sample(text, 'parley_imap_poll_duration_seconds_count'), 2);
    assert.equal(sample(text, 'parley_imap_poll_duration_seconds_sum'), 1.8);
    assert.equal(sample(text, 'parley_send_run_duration_seconds_count'), 1);
    assert.equal(sample(text, 'parley_errors_total{component="send-job"}'), 1);
    assert.equal(sample(text, 'parley_errors_total{component="mailbox-poller"}'), 1);
    assert.equal(sample(text, 'parley_errors_total{component="task-upkeep"}'), 1);
    // Counted at 0 before any failure, so alerts on rate() see the series from the start.
    assert.equal(sample(text, 'parley_errors_total{component="metrics"}'), 0);
    assert.match(text, /^# TYPE parley_steps_sent_total counter$/m);
    assert.match(text, /^# HELP parley_queue_depth /m);
    // The process metrics keep their standard names.
    assert.ok(sample(text, 'process_cpu_user_seconds_total') !== undefined, 'default process metrics are collected');
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  });

  it('keeps each worker on a registry of its own, never the global one', async () => {
    const a = createWorkerMetrics();
    const b = createWorkerMetrics();
    a.stepSent('trial');
    assert.equal(sample(await a.render(), 'parley_steps_sent_total{sequence="trial"}'), 1);
    assert.equal(sample(await b.render(), 'parley_steps_sent_total{sequence="trial"}'), undefined);
    assert.equal(globalRegistry.getSingleMetric('parley_steps_sent_total'), undefined);
    assert.notEqual(a.registry, globalRegistry);
  });

  it('reads the gauges from the snapshot when scraped, reusing it within the cache window', async () => {
    let clock = Date.parse('2026-03-02T09:00:00Z');
    const reads: Date[] = [];
    let due = 7;
    const metrics = createWorkerMetrics({
      snapshotCacheMs: 5_000,
      now: () => clock,
      snapshot: async (now) => {
        reads.push(now);
        return snapshotOf(due, new Date(now.getTime() - 90_000));
      },
    });
    assert.equal(reads.length, 0, 'nothing is read before a scrape');

    let text = await metrics.render();
    assert.equal(sample(text, 'parley_queue_depth'), 7);
    assert.equal(sample(text, 'parley_job_lag_seconds'), 90);
    assert.equal(sample(text, 'parley_open_tasks{status="open"}'), 3);
    assert.equal(sample(text, 'parley_open_tasks{status="claimed"}'), 1);
    assert.equal(sample(text, 'parley_open_tasks{status="answered"}'), 0);
    assert.equal(sample(text, 'parley_open_tasks{status="snoozed"}'), 2);
    assert.deepEqual(reads, [new Date(clock)], 'one read serves all the gauges of a scrape');

    // A scrape storm inside the window: no new read, and the lag still moves with the clock.
    due = 8;
    clock += 4_000;
    const storm = await Promise.all(Array.from({ length: 10 }, () => metrics.render()));
    assert.equal(reads.length, 1);
    text = storm[9] ?? '';
    assert.equal(sample(text, 'parley_queue_depth'), 7);
    assert.equal(sample(text, 'parley_job_lag_seconds'), 94);

    clock += 1_000;
    text = await metrics.render();
    assert.equal(reads.length, 2);
    assert.equal(sample(text, 'parley_queue_depth'), 8);
  });

  it('shows no job lag when nothing is due', async () => {
    const metrics = createWorkerMetrics({ snapshot: async () => snapshotOf(0) });
    const text = await metrics.render();
    assert.equal(sample(text, 'parley_queue_depth'), 0);
    assert.equal(sample(text, 'parley_job_lag_seconds'), 0);
  });

  it('still answers when the snapshot fails: last good values, and the failure counted once per read', async () => {
    let clock = 0;
    let fail = false;
    const seen: unknown[] = [];
    const metrics = createWorkerMetrics({
      now: () => clock,
      snapshotCacheMs: 1_000,
      snapshot: async () => {
        if (fail) throw new Error('database down');
        return snapshotOf(5);
      },
      onSnapshotError: (error) => seen.push(error),
    });
    assert.equal(sample(await metrics.render(), 'parley_queue_depth'), 5);
    fail = true;
    clock += 1_000;
    await metrics.render();
    const text = await metrics.render();
    assert.equal(sample(text, 'parley_queue_depth'), 5);
    assert.equal(sample(text, 'parley_errors_total{component="metrics"}'), 1);
    assert.equal(seen.length, 1);
    assert.match(String(seen[0]), /database down/);
  });

  it('ages the last successful mailbox poll, counting from the start until the first', async () => {
    let clock = 1_000_000;
    const metrics = createWorkerMetrics({ now: () => clock });
    clock += 12_000;
    assert.equal(sample(await metrics.render(), 'parley_mailbox_last_poll_age_seconds'), 12);
    metrics.pollFinished(0.1, 0);
    clock += 3_500;
    assert.equal(sample(await metrics.render(), 'parley_mailbox_last_poll_age_seconds'), 3.5);
    // A failed poll is no news from the mailbox: the age keeps growing.
    metrics.pollFailed(0.1);
    clock += 1_000;
    assert.equal(sample(await metrics.render(), 'parley_mailbox_last_poll_age_seconds'), 4.5);
  });
});
