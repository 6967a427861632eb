import type { Collection } from 'mongodb';

/**
 * Outbound webhooks' documents (src/webhooks/). Three collections, each shaped for FerretDB v1:
 * a small queue read whole, deliveries read by `_id` or through an index range, attempts by `_id`.
 */

/** The kinds of source a webhook can come from: Parley's own conversation events, and a task closed by a rep. */
export type WebhookSourceKind = 'email_bounced' | 'replied' | 'unsubscribed' | 'qualified' | 'task_closed';

/**
 * Something that happened and may be announced (collection `webhook_queue`), written right after
 * its event by the recorder. `_id` is the source's id (the event's `_id`, or `task_closed:<task>:<ms>`),
 * so a redo writes it once. The delivery job fans it out to the endpoints that want it, then
 * deletes it: the queue holds only what is not fanned out yet, and is read whole.
 */
export interface WebhookQueueDoc {
  _id: string;
  kind: WebhookSourceKind;
  at: Date;
  contactId: string;
  sequenceId?: string | undefined;
  stepId?: string | undefined;
  enrollmentId?: string | undefined;
  /** The event's props (intent, kind, via, by ...), or a task close's (task_id, outcome, closed_by). */
  props: Record<string, string>;
  queuedAt: Date;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'given_up';

/**
 * One event for one endpoint (collection `webhook_deliveries`). `_id` is `<endpoint id>~<event id>`:
 * inserting it is the guard, so a marker fanned out twice (two workers, a redo) makes one delivery.
 * Kept after it ends, which is what keeps a late fan-out from delivering again; due ones are read
 * through the `{state, nextAttemptAt}` index, the newest through `{createdAt}`.
 */
export interface WebhookDeliveryDoc {
  _id: string;
  endpointId: string;
  /** The event id receivers dedupe by (`Parley-Event-Id`). */
  eventId: string;
  eventType: string;
  contactId: string;
  /** The JSON body, exactly as signed and sent on every attempt. */
  body: string;
  createdAt: Date;
  state: WebhookDeliveryState;
  /** Attempts made so far (the claims `<_id>#1` ... `<_id>#attempts` in `webhook_attempts`). */
  attempts: number;
  /** The attempt after which it is given up: WEBHOOK_MAX_ATTEMPTS, raised by one per admin retry. */
  attemptLimit: number;
  /** When the next attempt is due; set while pending only. */
  nextAttemptAt?: Date | undefined;
  /** What the newest attempt got. */
  last?: WebhookAttemptResult | undefined;
  /** When it was delivered or given up. */
  finishedAt?: Date | undefined;
  /** The admin who last asked for a retry, and when. */
  retried?: { by: string; at: Date } | undefined;
}

/** What one POST got: the HTTP status when an answer came, else the error; never a header or a secret. */
export interface WebhookAttemptResult {
  at: Date;
  ok: boolean;
  status?: number | undefined;
  error?: string | undefined;
  durationMs: number;
}

/**
 * One attempt (collection `webhook_attempts`), `_id` `<delivery id>#<n>`: inserting it claims
 * attempt n, atomic on MongoDB and FerretDB v1 alike, so of two workers exactly one posts it.
 * The claimer writes the result onto it afterwards; a claim without a result past `leaseUntil`
 * is a worker that died mid-attempt.
 */
export interface WebhookAttemptDoc {
  _id: string;
  deliveryId: string;
  n: number;
  worker: string;
  claimedAt: Date;
  leaseUntil: Date;
  result?: WebhookAttemptResult | undefined;
}

/** The webhook collections, part of ParleyCollections. */
export interface WebhookCollections {
  webhookQueue: Collection<WebhookQueueDoc>;
  webhookDeliveries: Collection<WebhookDeliveryDoc>;
  webhookAttempts: Collection<WebhookAttemptDoc>;
}
