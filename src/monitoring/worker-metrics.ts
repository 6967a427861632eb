import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  ERROR_COMPONENTS,
  type ErrorComponent,
  type ErrorMetrics,
  type InboundMetrics,
  type SendFailureKind,
  type SendMetrics,
  type WebhookMetrics,
} from './metrics.ts';
import { ALARM_WINDOW_DAYS, type SequenceAlarms } from './alarms.ts';
import { cached, OPEN_TASK_STATUSES, type OperationalSnapshot } from './snapshot.ts';

export interface WorkerMetricsOptions {
  /**
   * Reads what the scrape-time gauges show (queue depth, job lag, open tasks), e.g.
   * `(now) => readSnapshot({ enrollments: enrollmentStore(database), tasks: taskStore(database) }, now)`. Undefined: those gauges stay at 0.
   */
  snapshot?: ((now: Date) => Promise<OperationalSnapshot>) | undefined;
  /** Milliseconds one snapshot is reused across scrapes. Default 5000. */
  snapshotCacheMs?: number;
  /**
   * Reads the per-sequence alarm figures (opt-out and bounce ratios, reply queue age), e.g.
   * `(now) => readAlarms(sources, now)`. Undefined: those gauges have no series.
   */
  alarms?: ((now: Date) => Promise<readonly SequenceAlarms[]>) | undefined;
  /** Milliseconds one alarm read is reused across scrapes (it reads a week of stats). Default 60000. */
  alarmsCacheMs?: number;
  /**
   * Called when a snapshot read fails. The scrape still answers: the gauges keep their last good
   * values and `parley_errors_total{component="metrics"}` counts the failure.
   */
  onSnapshotError?: (error: unknown) => void;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now?: () => number;
}

/** The worker's Prometheus metrics: what the domain reports, plus gauges read when scraped. */
export interface WorkerMetrics extends SendMetrics, InboundMetrics, ErrorMetrics, WebhookMetrics {
  /** This worker's own registry, never prom-client's global one. */
  readonly registry: Registry;
  /** The Content-Type of `render()`'s text (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** Every metric in the Prometheus text format; reads the gauges' snapshot (cached) first. */
  render(): Promise<string>;
}

const DEFAULT_SNAPSHOT_CACHE_MS = 5_000;
const DEFAULT_ALARMS_CACHE_MS = 60_000;

/** Seconds. A poll handles the new messages it finds one by one, so it can take a while. */
const POLL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds. Parsing, classifying and acting on one reply: milliseconds, seconds when the database is slow. */
const REPLY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds. A run sends up to SEND_BATCH_SIZE steps over SMTP one after the other. */
const SEND_RUN_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Builds the metrics of one worker on a registry of its own, so tests and several workers in one
 * process never collide on prom-client's global registry. Process metrics (CPU, memory, event
 * loop lag, ...) keep their standard names; Parley's own start with `parley_`.
 */
export function createWorkerMetrics(options: WorkerMetricsOptions = {}): WorkerMetrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const stepsSent = new Counter({
    name: 'parley_steps_sent_total',
    help: 'Sequence steps sent (accepted by the SMTP server).',
    labelNames: ['sequence'],
    registers,
  });
  const sendFailures = new Counter({
    name: 'parley_send_failures_total',
    help: 'Steps the SMTP server or the connection refused: temporary ones are retried, permanent ones stop the enrollment.',
    labelNames: ['sequence', 'kind'],
    registers,
  });
  const stepsDeferred = new Counter({
    name: 'parley_steps_deferred_total',
    help: "Due steps moved to a later time: outside the contact's send window or over a cap.",
    labelNames: ['sequence'],
    registers,
  });
  const stepsSkipped = new Counter({
    name: 'parley_steps_skipped_total',
    help: 'Due steps not sent this run: claimed by another worker, paused meanwhile, sequence not loaded, or skipped for the contact.',
    labelNames: ['sequence'],
    registers,
  });
  // Labelled by our own sending addresses: the mailboxes are configured (a sequence's sender, or
  // MAILBOXES_FILE), so the series stay few; a lead's address is never a label.
  const mailboxSent = new Counter({
    name: 'parley_mailbox_sent_total',
    help: 'Steps sent, by the mailbox they went out from (sender pools spread these evenly).',
    labelNames: ['mailbox'],
    registers,
  });
  const mailboxCapDeferred = new Counter({
    name: 'parley_mailbox_cap_deferred_total',
    help: "Due steps a mailbox's hourly or daily cap deferred (a pool enrollment keeps its mailbox, so its step waits).",
    labelNames: ['mailbox'],
    registers,
  });
  const repliesHandled = new Counter({
    name: 'parley_replies_handled_total',
    help: "Replies classified and acted on, by intent and by the sequence's outcome (or unmatched).",
    labelNames: ['intent', 'outcome'],
    registers,
  });
  const fetched = new Counter({
    name: 'parley_inbound_messages_total',
    help: 'New messages the mailbox polls found (replies, own copies, bounces, anything).',
    registers,
  });
  const quarantined = new Counter({
    name: 'parley_messages_quarantined_total',
    help: 'Inbound messages Parley could not handle, written to the quarantine collection.',
    labelNames: ['code'],
    registers,
  });
  // Labelled by sequence, not by sender address (label values never carry addresses): each sequence
  // file names its one sender mailbox.
  const deliveryRefusals = new Counter({
    name: 'parley_delivery_refusals_total',
    help: "Bounces that refused the message or its sender (blocked, spam detected, policy, too big): the sequence's sender mailbox has a deliverability problem.",
    labelNames: ['sequence', 'reason'],
    registers,
  });
  const webhookAttempts = new Counter({
    name: 'parley_webhook_attempts_total',
    help: 'Webhook POSTs by endpoint (from the webhooks file) and what became of them: delivered, retry (tried again later) or given_up.',
    labelNames: ['endpoint', 'outcome'],
    registers,
  });
  const webhooksPruned = new Counter({
    name: 'parley_webhook_deliveries_pruned_total',
    help: 'Finished webhook deliveries deleted after WEBHOOK_RETENTION_DAYS, with their attempts.',
    registers,
  });
  const errors = new Counter({
    name: 'parley_errors_total',
    help: 'Failures of background work: a send run, a mailbox poll, task upkeep, a metrics snapshot.',
    labelNames: ['component'],
    registers,
  });
  // Every series exists from the start, so rate() and alerts see a 0 before the first failure.
  for (const component of ERROR_COMPONENTS) errors.inc({ component }, 0);

  const pollDuration = new Histogram({
    name: 'parley_imap_poll_duration_seconds',
    help: 'Duration of one poll of the reply mailbox, including handling what it found.',
    buckets: POLL_BUCKETS,
    registers,
  });
  const replyDuration = new Histogram({
    name: 'parley_reply_handling_duration_seconds',
    help: 'Time from raw message to stored outcome, per reply.',
    buckets: REPLY_BUCKETS,
    registers,
  });
  const sendRunDuration = new Histogram({
    name: 'parley_send_run_duration_seconds',
    help: 'Duration of one run of the send job.',
    buckets: SEND_RUN_BUCKETS,
    registers,
  });

  // Gauges read at scrape time. One snapshot per cache window serves all of them.
  let lastGood: OperationalSnapshot | undefined;
  const { snapshot: read } = options;
  const snapshot = cached(
    async (): Promise<OperationalSnapshot | undefined> => {
      if (!read) return undefined;
      try {
        lastGood = await read(new Date(now()));
      } catch (error) {
        errors.inc({ component: 'metrics' });
        options.onSnapshotError?.(error);
      }
      return lastGood;
    },
    options.snapshotCacheMs ?? DEFAULT_SNAPSHOT_CACHE_MS,
    now,
  );

  new Gauge({
    name: 'parley_queue_depth',
    help: 'Active enrollments whose next step is due now (nextStepAt has passed).',
    registers,
    async collect() {
      const s = await snapshot();
      if (s) this.set(s.dueEnrollments);
    },
  });
  new Gauge({
    name: 'parley_job_lag_seconds',
    help: 'Seconds since the oldest due step among active enrollments was due; 0 when none is due.',
    registers,
    async collect() {
      const s = await snapshot();
      if (s) this.set(s.oldestDueAt ? Math.max(0, (now() - s.oldestDueAt.getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'parley_open_tasks',
    help: 'Human-response tasks not done yet, by status.',
    labelNames: ['status'],
    registers,
    async collect() {
      const s = await snapshot();
      if (s) for (const status of OPEN_TASK_STATUSES) this.set({ status }, s.openTasks[status]);
    },
  });
  // Per-sequence alarms: what an alert rule watches (docs/ALERTS.md). A sequence whose ratio has no
  // denominator yet has no series for it, rather than a 0 that would read as "fine".
  let lastAlarms: readonly SequenceAlarms[] | undefined;
  const { alarms: readAlarmFigures } = options;
  const alarms = cached(
    async (): Promise<readonly SequenceAlarms[] | undefined> => {
      if (!readAlarmFigures) return undefined;
      try {
        lastAlarms = await readAlarmFigures(new Date(now()));
      } catch (error) {
        errors.inc({ component: 'metrics' });
        options.onSnapshotError?.(error);
      }
      return lastAlarms;
    },
    options.alarmsCacheMs ?? DEFAULT_ALARMS_CACHE_MS,
    now,
  );
  const alarmGauge = (name: string, help: string, value: (a: SequenceAlarms) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['sequence'],
      registers,
      async collect() {
        const figures = await alarms();
        if (!figures) return;
        this.reset();
        for (const a of figures) {
          const v = value(a);
          if (v !== undefined) this.set({ sequence: a.sequenceId }, v);
        }
      },
    });
  alarmGauge(
    'parley_sequence_opt_out_ratio',
    `Opt-outs per email delivered, last ${ALARM_WINDOW_DAYS} days, by sequence (the stats page flags above 0.03).`,
    (a) => a.optOutRatio,
  );
  alarmGauge(
    'parley_sequence_bounce_ratio',
    `Share of contacts emailed in the last ${ALARM_WINDOW_DAYS} days whose email hard-bounced, by sequence.`,
    (a) => a.bounceRatio,
  );
  alarmGauge(
    'parley_sequence_delivered',
    `Contacts emailed and not hard-bounced in the last ${ALARM_WINDOW_DAYS} days, by sequence: the ratios' denominator.`,
    (a) => a.delivered,
  );
  alarmGauge(
    'parley_reply_queue_age_seconds',
    'Seconds the oldest reply waiting for a person (task open or claimed) has waited, by sequence; 0 when none waits.',
    (a) => a.replyQueueAgeSeconds,
  );

  // Counted from the worker's start until the first poll succeeds, so a poller that never gets in
  // shows a growing age rather than nothing.
  let lastPollAt = now();
  new Gauge({
    name: 'parley_mailbox_last_poll_age_seconds',
    help: 'Seconds since the last successful poll of the reply mailbox (since the start, before the first).',
    registers,
    collect() {
      this.set((now() - lastPollAt) / 1000);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    stepSent: (sequence) => stepsSent.inc({ sequence }),
    sendFailed: (sequence, kind: SendFailureKind) => sendFailures.inc({ sequence, kind }),
    stepDeferred: (sequence) => stepsDeferred.inc({ sequence }),
    stepSkipped: (sequence) => stepsSkipped.inc({ sequence }),
    mailboxSent: (mailbox) => mailboxSent.inc({ mailbox }),
    mailboxCapDeferred: (mailbox) => mailboxCapDeferred.inc({ mailbox }),
    sendRunFinished(seconds, failed) {
      sendRunDuration.observe(seconds);
      if (failed) errors.inc({ component: 'send-job' });
    },
    pollFinished(seconds, found) {
      pollDuration.observe(seconds);
      fetched.inc(found);
      lastPollAt = now();
    },
    pollFailed(seconds) {
      pollDuration.observe(seconds);
      errors.inc({ component: 'mailbox-poller' });
    },
    replyHandled(intent, outcome, seconds) {
      repliesHandled.inc({ intent, outcome });
      replyDuration.observe(seconds);
    },
    quarantined: (code) => quarantined.inc({ code }),
    deliveryRefused: (sequence, reason) => deliveryRefusals.inc({ sequence, reason }),
    failed: (component: ErrorComponent) => errors.inc({ component }),
    webhookAttempted: (endpoint, outcome) => webhookAttempts.inc({ endpoint, outcome }),
    webhooksPruned: (count) => webhooksPruned.inc(count),
  };
}
