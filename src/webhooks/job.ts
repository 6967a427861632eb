import type { RecurringJob } from '../jobs/index.ts';
import type { WebhookDispatcher } from './dispatcher.ts';

/** The recurring job that sends outbound webhooks (every WEBHOOK_INTERVAL_MS). */
export function deliverWebhooksJob(dispatcher: WebhookDispatcher, intervalMs: number): RecurringJob {
  return {
    name: 'deliver-webhooks',
    intervalMs,
    run: async (stopping) => {
      await dispatcher.runOnce(stopping);
    },
  };
}
