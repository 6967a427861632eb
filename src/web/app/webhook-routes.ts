import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookDeliveryDoc } from '../../db/index.ts';
import { recentDeliveries, retryDelivery, type RetryResult } from '../../webhooks/index.ts';
import { csrfToken, repOf } from './auth.ts';
import type { RepAppOptions } from './index.ts';
import type { Notice } from './pages.ts';
import { webhookPage, type DeliveryRow } from './webhook-page.ts';

const HTML = 'text/html; charset=utf-8';
const PAGE_SIZE = 100;
/** A delivery id is an endpoint id, `~` and an event id: far below this. */
const MAX_ID = 200;

/** What the page says after a retry, by result: fixed words, nothing from the request. */
const RETRY_NOTICES: Record<'queued' | Extract<RetryResult, { kind: 'refused' }>['code'], Notice> = {
  queued: { kind: 'ok', text: 'Queued: the next run of the delivery job (within seconds) sends it once more.' },
  not_admin: { kind: 'error', text: 'Only an admin can retry a webhook.' },
  not_found: { kind: 'error', text: 'No such delivery.' },
  not_given_up: { kind: 'error', text: 'That delivery is not given up (delivered, or still being retried).' },
};
const isNotice = (value: unknown): value is keyof typeof RETRY_NOTICES => typeof value === 'string' && Object.hasOwn(RETRY_NOTICES, value);
const STATES = new Set(['pending', 'delivered', 'given_up'] as const);
const isState = (value: unknown): value is WebhookDeliveryDoc['state'] =>
  typeof value === 'string' && STATES.has(value as WebhookDeliveryDoc['state']);

const fieldOf = (source: unknown, name: string): string | undefined => {
  const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
};

function lastAnswer(d: WebhookDeliveryDoc): string {
  if (!d.last) return '';
  const what =
    d.last.status !== undefined ? (d.last.ok ? `HTTP ${d.last.status}` : (d.last.error ?? `HTTP ${d.last.status}`)) : (d.last.error ?? '');
  return `${what} (${d.last.durationMs} ms)`;
}

const deliveryRow = (d: WebhookDeliveryDoc): DeliveryRow => ({
  id: d._id,
  endpointId: d.endpointId,
  eventType: d.eventType,
  eventId: d.eventId,
  createdAt: d.createdAt,
  state: d.state,
  attempts: d.attempts,
  last: lastAnswer(d),
  next: d.state === 'pending' ? d.nextAttemptAt : undefined,
});

/**
 * The admins' webhook page (GET /admin/webhooks) and its retry form (POST /admin/webhooks/retry,
 * with the app's CSRF check). Reps get 403: the deliveries name leads and endpoints.
 */
export function registerWebhookRoutes(app: FastifyInstance, options: RepAppOptions): void {
  const { db, now } = options;
  const endpoints = (options.webhookEndpoints ?? []).map((p) => ({ id: p.id, events: [...p.events].join(', ') }));

  const refuseNonAdmin = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (repOf(request).role === 'admin') return false;
    void reply.code(403).type('text/plain; charset=utf-8').send('Only admins see webhooks.');
    return true;
  };

  app.get('/admin/webhooks', async (request, reply) => {
    if (refuseNonAdmin(request, reply)) return reply;
    const stateParam = fieldOf(request.query, 'state');
    const state = isState(stateParam) ? stateParam : undefined;
    const rows = await recentDeliveries(db, { state, limit: PAGE_SIZE, now: now() });
    const notice = fieldOf(request.query, 'notice');
    const rep = repOf(request);
    return reply.type(HTML).send(
      webhookPage({
        viewer: { email: rep._id, name: rep.name, role: rep.role },
        csrf: csrfToken(request, reply),
        rows: rows.map(deliveryRow),
        filter: { state },
        endpoints,
        notice: isNotice(notice) ? RETRY_NOTICES[notice] : undefined,
      }),
    );
  });

  app.post('/admin/webhooks/retry', { bodyLimit: 4096 }, async (request, reply) => {
    if (refuseNonAdmin(request, reply)) return reply;
    const id = (fieldOf(request.body, 'id') ?? '').slice(0, MAX_ID);
    const rep = repOf(request);
    const result = await retryDelivery(db, id, rep, now());
    if (result.kind === 'queued') request.log.info({ rep: rep._id, delivery: id }, 'webhook retry queued');
    return reply.redirect(`/admin/webhooks?notice=${result.kind === 'queued' ? 'queued' : result.code}`, 303);
  });
}
