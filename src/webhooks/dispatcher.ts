import { hostname } from 'node:os';
import {
  webhookStore,
  type ParleyCollections,
  type WebhookAttemptResult,
  type WebhookDeliveryDoc,
  type WebhookSettlement,
  type WebhookStore,
} from '../db/index.ts';
import type { Logger } from '../logger.ts';
import { NO_WEBHOOK_METRICS, type WebhookMetrics } from '../monitoring/index.ts';
import { backoffDelay, type BackoffSettings } from './backoff.ts';
import type { WebhookEndpoint } from './endpoints.ts';
import { webhookEventsOf, webhookPayload } from './events.ts';
import { postEvent } from './post.ts';

/** The delivery settings of config.webhooks. */
export interface WebhookSettings {
  readonly endpoints: readonly WebhookEndpoint[];
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffSettings;
  /** Milliseconds finished deliveries are kept; unset: kept for ever. */
  readonly retentionMs?: number | undefined;
}

export interface WebhookDispatcherOptions {
  db: Pick<ParleyCollections, 'webhookQueue' | 'webhookDeliveries' | 'webhookAttempts' | 'contacts'>;
  settings: WebhookSettings;
  logger: Logger;
  /** Names this process on its attempt claims. */
  worker?: string;
  now?: () => Date;
  random?: () => number;
  metrics?: WebhookMetrics | undefined;
}

/** Markers fanned out per read of the queue. */
const QUEUE_BATCH = 200;
/** Due deliveries read per run; the next run takes the rest. */
const DUE_BATCH = 50;
/** Milliseconds a worker without endpoints leaves queued events for a worker with them (see #dropUnwanted). */
const UNWANTED_AFTER_MS = 10 * 60_000;
/** POSTs in flight at once per worker. */
const CONCURRENCY = 4;
/** Old deliveries are looked for once an hour per worker, this many at a time. */
const PRUNE_EVERY_MS = 60 * 60_000;
const PRUNE_BATCH = 500;

/** What one run did. */
export interface WebhookRun {
  queued: number;
  attempted: number;
}

/**
 * Sends outbound webhooks: turns queued events into deliveries (one per endpoint that wants the
 * event), then POSTs the due ones. Safe on any number of workers at once: a delivery is created
 * by an insert keyed by endpoint and event, and each attempt by an insert keyed by its number.
 */
export class WebhookDispatcher {
  readonly #o: WebhookDispatcherOptions;
  readonly #store: WebhookStore;
  readonly #endpoints: ReadonlyMap<string, WebhookEndpoint>;
  readonly #worker: string;
  readonly #now: () => Date;
  readonly #metrics: WebhookMetrics;
  #prunedAt = 0;

  constructor(options: WebhookDispatcherOptions) {
    this.#o = options;
    this.#store = webhookStore(options.db);
    this.#endpoints = new Map(options.settings.endpoints.map((e) => [e.id, e]));
    this.#worker = options.worker ?? `${hostname()}:${process.pid}`;
    this.#now = options.now ?? (() => new Date());
    this.#metrics = options.metrics ?? NO_WEBHOOK_METRICS;
  }

  /** One run of the job: fan out what is queued, then attempt what is due. */
  async runOnce(stopping: AbortSignal = new AbortController().signal): Promise<WebhookRun> {
    const queued = await this.fanOut(stopping);
    const attempted = await this.deliverDue(stopping);
    const now = this.#now().getTime();
    if (now - this.#prunedAt >= PRUNE_EVERY_MS && !stopping.aborted) {
      this.#prunedAt = now;
      await this.prune();
    }
    return { queued, attempted };
  }

  /** Deletes finished deliveries older than the retention (WEBHOOK_RETENTION_DAYS); returns how many. */
  async prune(): Promise<number> {
    const { retentionMs } = this.#o.settings;
    if (retentionMs === undefined) return 0;
    const pruned = await this.#store.pruneFinished(new Date(this.#now().getTime() - retentionMs), PRUNE_BATCH);
    if (pruned > 0) {
      this.#metrics.webhooksPruned(pruned);
      this.#o.logger.info({ pruned }, 'old webhook deliveries deleted');
    }
    return pruned;
  }

  /** Turns queued events into deliveries, then drops them from the queue. */
  async fanOut(stopping: AbortSignal): Promise<number> {
    if (this.#endpoints.size === 0) return this.#dropUnwanted();
    let total = 0;
    while (!stopping.aborted) {
      const markers = await this.#store.queued(QUEUE_BATCH);
      if (markers.length === 0) break;
      const emails =
        this.#endpoints.size > 0
          ? await this.#store.contactEmails([...new Set(markers.map((m) => m.contactId))])
          : new Map<string, string>();
      const createdAt = this.#now();
      const deliveries: WebhookDeliveryDoc[] = [];
      for (const marker of markers) {
        for (const type of webhookEventsOf(marker)) {
          const payload = webhookPayload(type, marker, emails.get(marker.contactId));
          const body = JSON.stringify(payload);
          for (const endpoint of this.#endpoints.values()) {
            if (!endpoint.events.has(type)) continue;
            deliveries.push({
              _id: `${endpoint.id}~${payload.id}`,
              endpointId: endpoint.id,
              eventId: payload.id,
              eventType: type,
              contactId: marker.contactId,
              body,
              createdAt,
              state: 'pending',
              attempts: 0,
              attemptLimit: this.#o.settings.maxAttempts,
              nextAttemptAt: createdAt,
            });
          }
        }
      }
      // Deliveries first, then the markers go: a crash in between fans out again, and the keyed inserts make nothing twice.
      await this.#store.addDeliveries(deliveries);
      await this.#store.unqueue(markers.map((m) => m._id));
      total += markers.length;
      if (markers.length < QUEUE_BATCH) break;
    }
    return total;
  }

  /**
   * Without endpoints nothing is announced, but the queue must not grow for ever. Markers are left
   * UNWANTED_AFTER_MS first: during a rolling deploy that adds WEBHOOKS_FILE, a replica that has the
   * file fans them out before an older replica without it drops them.
   */
  async #dropUnwanted(): Promise<number> {
    const before = this.#now().getTime() - UNWANTED_AFTER_MS;
    const old = (await this.#store.queued(QUEUE_BATCH)).filter((m) => m.queuedAt.getTime() < before);
    await this.#store.unqueue(old.map((m) => m._id));
    return old.length;
  }

  /** Attempts the due deliveries, CONCURRENCY at a time; returns how many this worker attempted. */
  async deliverDue(stopping: AbortSignal): Promise<number> {
    const due = await this.#store.due(this.#now(), DUE_BATCH);
    let next = 0;
    let attempted = 0;
    const lane = async () => {
      while (next < due.length && !stopping.aborted) {
        const delivery = due[next++];
        if (delivery && (await this.#attempt(delivery, stopping))) attempted += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    return attempted;
  }

  /** Claims and makes the delivery's next attempt; false when another worker holds it. */
  async #attempt(delivery: WebhookDeliveryDoc, stopping: AbortSignal): Promise<boolean> {
    const n = delivery.attempts + 1;
    const attemptId = `${delivery._id}#${n}`;
    const claimedAt = this.#now();
    const leaseUntil = new Date(claimedAt.getTime() + this.#o.settings.timeoutMs * 2 + 5_000);
    const claimed = await this.#store.claimAttempt({
      _id: attemptId,
      deliveryId: delivery._id,
      n,
      worker: this.#worker,
      claimedAt,
      leaseUntil,
    });
    if (!claimed) {
      await this.#mendStaleAttempt(delivery, attemptId, n);
      return false;
    }
    const endpoint = this.#endpoints.get(delivery.endpointId);
    const result: WebhookAttemptResult = endpoint
      ? await postEvent(endpoint, delivery, n, { timeoutMs: this.#o.settings.timeoutMs, stopping, now: this.#now })
      : { at: claimedAt, ok: false, error: `endpoint '${delivery.endpointId}' is no longer in the webhooks file`, durationMs: 0 };
    await this.#store.recordResult(attemptId, result);
    await this.#settle(delivery, n, result);
    return true;
  }

  async #settle(delivery: WebhookDeliveryDoc, n: number, result: WebhookAttemptResult): Promise<void> {
    const settlement = settlementAfter(n, delivery.attemptLimit, result, this.#o.settings.backoff, this.#o.random);
    await this.#store.settle(delivery._id, settlement, this.#now());
    this.#metrics.webhookAttempted(delivery.endpointId, settlement.state === 'pending' ? 'retry' : settlement.state);
    const log = { delivery: delivery._id, endpoint: delivery.endpointId, event: delivery.eventType, attempt: n, status: result.status };
    if (settlement.state === 'delivered') this.#o.logger.info(log, 'webhook delivered');
    else if (settlement.state === 'given_up') this.#o.logger.warn({ ...log, error: result.error }, 'webhook given up');
    else
      this.#o.logger.info({ ...log, error: result.error, nextAttemptAt: settlement.nextAttemptAt }, 'webhook attempt failed; will retry');
  }

  /**
   * Attempt n is someone else's. When its claimer finished it but died before settling the
   * delivery, or died mid-attempt (its lease ran out with no result), the delivery is settled
   * here, so the next run claims n + 1 instead of stopping at n for ever.
   */
  async #mendStaleAttempt(delivery: WebhookDeliveryDoc, attemptId: string, n: number): Promise<void> {
    const holder = await this.#store.attempt(attemptId);
    const now = this.#now();
    if (!holder) return;
    if (holder.result) {
      const fresh = await this.#store.get(delivery._id);
      if (fresh && fresh.attempts < n) await this.#settle(fresh, n, holder.result);
      return;
    }
    if (holder.leaseUntil > now) return;
    const lost: WebhookAttemptResult = {
      at: now,
      ok: false,
      error: 'the worker making this attempt stopped before it finished',
      durationMs: 0,
    };
    await this.#store.recordResult(attemptId, lost);
    await this.#settle(delivery, n, lost);
  }
}

/** A delivery's state after attempt n: delivered, given up at its limit, else due again after the backoff. */
export function settlementAfter(
  n: number,
  attemptLimit: number,
  result: WebhookAttemptResult,
  backoff: BackoffSettings,
  random?: () => number,
): WebhookSettlement {
  if (result.ok) return { attempts: n, state: 'delivered', last: result };
  if (n >= attemptLimit) return { attempts: n, state: 'given_up', last: result };
  return { attempts: n, state: 'pending', last: result, nextAttemptAt: new Date(result.at.getTime() + backoffDelay(n, backoff, random)) };
}
