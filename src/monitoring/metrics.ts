/**
 * What the domain reports about its own work. The sending and inbound code depend on these small
 * interfaces only, never on prom-client: the worker passes in the Prometheus implementation
 * (worker-metrics.ts), tests and library callers get the no-ops below by default.
 *
 * Label values must come from small, fixed sets (sequence ids, intents, outcome actions, error
 * codes): never an address, a Message-ID or free text, or the series multiply without bound.
 */

/** Whether a failed send is retried (4xx, timeout) or stops the enrollment (5xx). */
export type SendFailureKind = 'temporary' | 'permanent';

export interface SendMetrics {
  stepSent(sequenceId: string): void;
  sendFailed(sequenceId: string, kind: SendFailureKind): void;
  /** Outside the contact's send window or over a cap: moved to the next allowed time. */
  stepDeferred(sequenceId: string): void;
  /** Claimed elsewhere, paused meanwhile, sequence missing, or skipped for this contact. */
  stepSkipped(sequenceId: string): void;
  /** One run of the send job, in seconds; `failed` when it threw (database down, a bug). */
  sendRunFinished(seconds: number, failed: boolean): void;
  /** A step sent from this mailbox (our own sending address, never a lead's). */
  mailboxSent?(mailbox: string): void;
  /** A due step this mailbox's hourly or daily cap turned away (deferred, never sent from another mailbox mid-thread). */
  mailboxCapDeferred?(mailbox: string): void;
}

export interface InboundMetrics {
  /** A poll of the reply mailbox that completed, in seconds, with the number of new messages. */
  pollFinished(seconds: number, found: number): void;
  /** A poll that threw (IMAP or database trouble); retried on the next trigger. */
  pollFailed(seconds: number): void;
  /**
   * A reply classified and acted on, with the time from raw source to stored outcome. `outcome`
   * is the sequence's action (pause_and_task, stop, ...) or `unmatched`.
   */
  replyHandled(intent: string, outcome: string, seconds: number): void;
  /** A message written to `quarantine`, with its error code (MESSAGE_TOO_LARGE, ...). */
  quarantined(code: string): void;
  /**
   * A bounce that refused the message or its sender (reason blocked, spam_detected, policy,
   * message_too_big) came back for a step of this sequence: the deliverability of its sender mailbox.
   */
  deliveryRefused(sequenceId: string, reason: string): void;
}

/** Where the worker counts failures of its background work. A fixed set: one series each. */
export const ERROR_COMPONENTS = ['send-job', 'mailbox-poller', 'task-upkeep', 'metrics'] as const;
export type ErrorComponent = (typeof ERROR_COMPONENTS)[number];

export interface ErrorMetrics {
  failed(component: ErrorComponent): void;
}

const nothing = (): void => undefined;

export const NO_SEND_METRICS: SendMetrics = Object.freeze({
  stepSent: nothing,
  sendFailed: nothing,
  stepDeferred: nothing,
  stepSkipped: nothing,
  sendRunFinished: nothing,
  mailboxSent: nothing,
  mailboxCapDeferred: nothing,
});

export const NO_INBOUND_METRICS: InboundMetrics = Object.freeze({
  pollFinished: nothing,
  pollFailed: nothing,
  replyHandled: nothing,
  quarantined: nothing,
  deliveryRefused: nothing,
});

/** What became of a webhook attempt: delivered, to be tried again, or given up at its limit. */
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'given_up';

/** What the webhook dispatcher reports (src/webhooks/dispatcher.ts). */
export interface WebhookMetrics {
  webhookAttempted(endpoint: string, outcome: WebhookAttemptOutcome): void;
  /** Finished deliveries deleted after WEBHOOK_RETENTION_DAYS. */
  webhooksPruned(count: number): void;
}

export const NO_WEBHOOK_METRICS: WebhookMetrics = Object.freeze({ webhookAttempted: nothing, webhooksPruned: nothing });

/** Seconds since `startedAt` (a `performance.now()` reading). */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
