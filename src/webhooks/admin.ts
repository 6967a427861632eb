import {
  webhookStore,
  type ParleyCollections,
  type RepDoc,
  type WebhookAttemptDoc,
  type WebhookDeliveryDoc,
  type WebhookDeliveryState,
} from '../db/index.ts';

/** How far back the admin list looks, in milliseconds. */
export const RECENT_DELIVERIES_MS = 30 * 24 * 60 * 60_000;

type AdminCollections = Pick<ParleyCollections, 'webhookQueue' | 'webhookDeliveries' | 'webhookAttempts' | 'contacts'>;

/** The newest deliveries of the last 30 days, newest first (the admin page, `parley webhooks list`). */
export function recentDeliveries(
  db: AdminCollections,
  options: { state?: WebhookDeliveryState | undefined; limit: number; now?: Date },
): Promise<WebhookDeliveryDoc[]> {
  const now = options.now ?? new Date();
  return webhookStore(db).recent({ state: options.state, limit: options.limit, since: new Date(now.getTime() - RECENT_DELIVERIES_MS) });
}

/** A delivery with every attempt (`parley webhooks show`). */
export async function deliveryWithAttempts(
  db: AdminCollections,
  id: string,
): Promise<{ delivery: WebhookDeliveryDoc; attempts: WebhookAttemptDoc[] } | undefined> {
  const store = webhookStore(db);
  const delivery = await store.get(id);
  return delivery && { delivery, attempts: await store.attemptsOf(delivery) };
}

export type RetryResult = { kind: 'queued' } | { kind: 'refused'; code: 'not_admin' | 'not_found' | 'not_given_up' };

/** An admin sends a given-up delivery once more, now (the next run of the job); it is given up again if that fails. */
export async function retryDelivery(
  db: AdminCollections,
  id: string,
  by: Pick<RepDoc, '_id' | 'role'>,
  now = new Date(),
): Promise<RetryResult> {
  if (by.role !== 'admin') return { kind: 'refused', code: 'not_admin' };
  const store = webhookStore(db);
  if (!(await store.get(id))) return { kind: 'refused', code: 'not_found' };
  return (await store.retry(id, by._id, now)) ? { kind: 'queued' } : { kind: 'refused', code: 'not_given_up' };
}
