/** Outbound webhooks: signed POSTs to your endpoints when a lead replies, is interested, qualified, opts out, bounces, or a task closes. */
export { WEBHOOK_EVENTS, webhookEventId, webhookEventsOf, webhookPayload, type WebhookEventType, type WebhookPayload } from './events.ts';
export {
  DEFAULT_TOLERANCE_SECONDS,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
  signatureOf,
  verifySignature,
  type SignatureCheck,
} from './signing.ts';
export { backoffDelay, type BackoffSettings } from './backoff.ts';
export { loadWebhookEndpoints, parseWebhookEndpoints, type EndpointFileOptions, type WebhookEndpoint } from './endpoints.ts';
export { settlementAfter, WebhookDispatcher, type WebhookDispatcherOptions, type WebhookRun, type WebhookSettings } from './dispatcher.ts';
export { deliverWebhooksJob } from './job.ts';
export { deliveryWithAttempts, RECENT_DELIVERIES_MS, recentDeliveries, retryDelivery, type RetryResult } from './admin.ts';
