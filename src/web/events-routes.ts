import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ParleyCollections } from '../db/index.ts';
import { MAX_EVENTS_PER_BATCH, recordEvents } from '../events/index.ts';

export interface EventsApiOptions {
  db: Pick<ParleyCollections, 'contacts' | 'events' | 'rollupQueue' | 'statsQueue'>;
  /** The bearer token senders must present (config EVENTS_API_TOKEN). */
  token: string;
  /** Called with the contacts that got new events, so segment membership follows at once. */
  onRecorded?: ((contactIds: readonly string[]) => void) | undefined;
  now: () => Date;
}

/** A batch of 1,000 events with a few properties each fits well within this. */
const EVENTS_BODY_LIMIT = 2 * 1024 * 1024;

/** Equal-length digests, so the comparison takes the same time whatever the token's length or content. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * POST /api/events: behaviour events from the website or product, one event (a JSON object), or
 * many (`{ "events": [...] }` or an array), up to MAX_EVENTS_PER_BATCH. Each event is checked on
 * its own and answered in `results` by index: recorded, duplicate (its id was seen before: retries
 * are safe) or rejected with the reason. 401 without the bearer token; 400 for a body that is not
 * an event or a batch; 413 past the size limit.
 */
export function registerEventsRoutes(app: FastifyInstance, options: EventsApiOptions): void {
  app.post('/api/events', { bodyLimit: EVENTS_BODY_LIMIT }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!token || !sameToken(token, options.token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'Send the events API token as "Authorization: Bearer <EVENTS_API_TOKEN>".' });
    }
    const body: unknown = request.body;
    const events = Array.isArray(body)
      ? body
      : typeof body === 'object' && body !== null && 'events' in body && Array.isArray(body.events)
        ? (body.events as unknown[])
        : typeof body === 'object' && body !== null
          ? [body]
          : undefined;
    if (!events || events.length === 0) {
      return reply.code(400).send({
        error: 'bad_request',
        message: 'Send a JSON event ({"email", "type", ...}), an array of them, or {"events": [...]}, as application/json.',
      });
    }
    if (events.length > MAX_EVENTS_PER_BATCH) {
      return reply
        .code(400)
        .send({ error: 'batch_too_large', message: `At most ${MAX_EVENTS_PER_BATCH} events per request; split the batch.` });
    }
    const result = await recordEvents(options.db, events, { source: 'api', now: options.now() });
    if (result.contactIds.length > 0) options.onRecorded?.(result.contactIds);
    return reply
      .code(200)
      .send({ recorded: result.recorded, duplicates: result.duplicates, rejected: result.rejected, results: result.results });
  });
}
