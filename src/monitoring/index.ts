/**
 * Operational metrics: the small interfaces the domain reports to (with no-op defaults), and the
 * worker's Prometheus implementation, rendered at `GET /metrics` by the web server.
 */
export {
  ERROR_COMPONENTS,
  NO_INBOUND_METRICS,
  NO_SEND_METRICS,
  NO_WEBHOOK_METRICS,
  secondsSince,
  type ErrorComponent,
  type ErrorMetrics,
  type InboundMetrics,
  type SendFailureKind,
  type SendMetrics,
  type WebhookAttemptOutcome,
  type WebhookMetrics,
} from './metrics.ts';
export {
  cached,
  OPEN_TASK_STATUSES,
  readSnapshot,
  type OpenTaskStatus,
  type OperationalSnapshot,
  type SnapshotSources,
} from './snapshot.ts';
export { ALARM_WINDOW_DAYS, readAlarms, type AlarmSources, type SequenceAlarms } from './alarms.ts';
export { createWorkerMetrics, type WorkerMetrics, type WorkerMetricsOptions } from './worker-metrics.ts';
export {
  CHECK_TIMEOUT_MS,
  imapCheck,
  mongoCheck,
  readinessOf,
  SMTP_VERIFY_TTL_MS,
  smtpCheck,
  type CheckChange,
  type CheckResult,
  type Readiness,
  type ReadinessCheck,
} from './readiness.ts';
