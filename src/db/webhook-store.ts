import type { Filter } from 'mongodb';
import { insertEachOnce, insertOnce, type ParleyCollections } from './database.ts';
import type {
  WebhookAttemptDoc,
  WebhookAttemptResult,
  WebhookDeliveryDoc,
  WebhookDeliveryState,
  WebhookQueueDoc,
} from './webhook-documents.ts';

/** A delivery's state after an attempt. */
export interface WebhookSettlement {
  attempts: number;
  state: WebhookDeliveryState;
  last: WebhookAttemptResult;
  /** Pending: when to try again. */
  nextAttemptAt?: Date | undefined;
}

/** The newest deliveries, for the admin page and `parley webhooks list`. */
export interface RecentDeliveriesQuery {
  /** Only this state. */
  state?: WebhookDeliveryState | undefined;
  /** Created at or after this time. */
  since: Date;
  limit: number;
}

/**
 * Outbound webhooks' storage (src/webhooks/): the queue of things to announce, the deliveries,
 * and each delivery's attempts. Every once-only step is an insert (see the documents).
 */
export interface WebhookStore {
  /** Queues something to announce; a second call with the same `_id` is a no-op. */
  queue(marker: WebhookQueueDoc): Promise<void>;
  /** Up to `limit` queued markers, in no particular order (the queue is read whole: it is small). */
  queued(limit: number): Promise<WebhookQueueDoc[]>;
  /** Deletes fanned-out markers. */
  unqueue(ids: readonly string[]): Promise<void>;
  /** The emails of these contacts, by id (missing ones left out). */
  contactEmails(ids: readonly string[]): Promise<Map<string, string>>;
  /** Inserts deliveries; one whose `_id` exists already is left as it is. */
  addDeliveries(docs: readonly WebhookDeliveryDoc[]): Promise<void>;
  /** Pending deliveries due at `now`, the longest-waiting first (served by the `{state, nextAttemptAt}` index). */
  due(now: Date, limit: number): Promise<WebhookDeliveryDoc[]>;
  get(id: string): Promise<WebhookDeliveryDoc | undefined>;
  /** Claims attempt `n` of a delivery: false when another worker holds that number. */
  claimAttempt(attempt: WebhookAttemptDoc): Promise<boolean>;
  attempt(id: string): Promise<WebhookAttemptDoc | undefined>;
  /** Every attempt of a delivery, first first (read by `_id`, 1 up to `attempts`). */
  attemptsOf(delivery: Pick<WebhookDeliveryDoc, '_id' | 'attempts'>): Promise<WebhookAttemptDoc[]>;
  /** Writes what an attempt got onto its claim (only its claimer does). */
  recordResult(attemptId: string, result: WebhookAttemptResult): Promise<void>;
  /** Writes a delivery's state after its attempt `settlement.attempts`. */
  settle(deliveryId: string, settlement: WebhookSettlement, now: Date): Promise<void>;
  /** A given-up delivery becomes pending and due at `now` for one more attempt; false when it is not given up. */
  retry(deliveryId: string, by: string, now: Date): Promise<boolean>;
  recent(query: RecentDeliveriesQuery): Promise<WebhookDeliveryDoc[]>;
  /**
   * Deletes up to `limit` deliveries delivered or given up before `before`, with their attempts;
   * returns how many. A range read (FerretDB v1 scans the collection for it), so it runs hourly.
   */
  pruneFinished(before: Date, limit: number): Promise<number>;
}

/** Queues something to announce (see WebhookQueueDoc); a second call with the same `_id` is a no-op. For recorders, which hold no other webhook collection. */
export async function queueWebhook(db: Pick<ParleyCollections, 'webhookQueue'>, marker: WebhookQueueDoc): Promise<void> {
  await insertOnce(db.webhookQueue, marker);
}

export function webhookStore(
  collections: Pick<ParleyCollections, 'webhookQueue' | 'webhookDeliveries' | 'webhookAttempts' | 'contacts'>,
): WebhookStore {
  const { webhookQueue, webhookDeliveries: deliveries, webhookAttempts: attempts } = collections;
  return {
    queue: (marker) => queueWebhook(collections, marker),
    queued: (limit) => webhookQueue.find({}).limit(limit).toArray(),
    async unqueue(ids) {
      // An empty $in would read the whole collection on FerretDB v1 to delete nothing.
      if (ids.length > 0) await webhookQueue.deleteMany({ _id: { $in: [...ids] } });
    },
    async contactEmails(ids) {
      if (ids.length === 0) return new Map();
      const found = await collections.contacts.find({ _id: { $in: [...ids] } }, { projection: { email: 1 } }).toArray();
      return new Map(found.map((c) => [c._id, c.email]));
    },
    async addDeliveries(docs) {
      await insertEachOnce(deliveries, docs);
    },
    due: (now, limit) =>
      deliveries
        .find({ state: 'pending', nextAttemptAt: { $lte: now } })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .toArray(),
    get: async (id) => (await deliveries.findOne({ _id: id })) ?? undefined,
    claimAttempt: async (attempt) => (await insertOnce(attempts, attempt)) === 'inserted',
    attempt: async (id) => (await attempts.findOne({ _id: id })) ?? undefined,
    async attemptsOf(delivery) {
      const ids = Array.from({ length: delivery.attempts }, (_, i) => `${delivery._id}#${i + 1}`);
      if (ids.length === 0) return [];
      const found = await attempts.find({ _id: { $in: ids } }).toArray();
      return found.sort((a, b) => a.n - b.n);
    },
    async recordResult(attemptId, result) {
      await attempts.updateOne({ _id: attemptId }, { $set: { result } });
    },
    async settle(deliveryId, s, now) {
      const finished = s.state !== 'pending';
      await deliveries.updateOne(
        { _id: deliveryId },
        finished
          ? { $set: { attempts: s.attempts, state: s.state, last: s.last, finishedAt: now }, $unset: { nextAttemptAt: '' } }
          : { $set: { attempts: s.attempts, state: s.state, last: s.last, nextAttemptAt: s.nextAttemptAt ?? now } },
      );
    },
    async pruneFinished(before, limit) {
      const old = await deliveries
        .find({ state: { $in: ['delivered', 'given_up'] }, finishedAt: { $lt: before } }, { projection: { _id: 1, attempts: 1 } })
        .limit(limit)
        .toArray();
      if (old.length === 0) return 0;
      // Attempts first: a crash between the two leaves deliveries, pruned on the next run, never orphan attempts.
      const attemptIds = old.flatMap((d) => Array.from({ length: d.attempts }, (_, i) => `${d._id}#${i + 1}`));
      if (attemptIds.length > 0) await attempts.deleteMany({ _id: { $in: attemptIds } });
      await deliveries.deleteMany({ _id: { $in: old.map((d) => d._id) } });
      return old.length;
    },
    async retry(deliveryId, by, now) {
      const delivery = await deliveries.findOne({ _id: deliveryId });
      if (delivery?.state !== 'given_up') return false;
      // Two admins retrying at once write the same values: the attempt claim is the guard, not this write.
      await deliveries.updateOne(
        { _id: deliveryId },
        {
          $set: { state: 'pending', nextAttemptAt: now, attemptLimit: delivery.attempts + 1, retried: { by, at: now } },
          $unset: { finishedAt: '' },
        },
      );
      return true;
    },
    recent(query) {
      // A range on createdAt, so the index serves the filter and the sort (a bare `{}` reads everything on FerretDB v1).
      const filter: Filter<WebhookDeliveryDoc> = {
        createdAt: { $gte: query.since },
        ...(query.state !== undefined && { state: query.state }),
      };
      return deliveries.find(filter).sort({ createdAt: -1 }).limit(query.limit).toArray();
    },
  };
}
