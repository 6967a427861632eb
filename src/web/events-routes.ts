import { createHash, timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ParleyCollections } from '../db/index.ts';
import { MAX_EVENTS_PER_BATCH, recordEvents } from '../events/index.ts';

export interface EventsApiOptions {
  db: Pick<ParleyCollections, 'contacts' | 'events' | 'rollupQueue' | 'statsQueue'>;
  /** The bearer token senders must present (config EVENTS_API_TOKEN). */
  token: string;
  /** Called with the contacts that got new events, so segment membership follows at once. */
  onRecorded?: ((contactIds: readonly string[]) => void) | undefined;
  now: () => Date;
  /** Requests a minute one token may make (config EVENTS_API_RATE_PER_MINUTE); past it, 429. */
  ratePerMinute?: number | undefined;
}

/** A batch of 1,000 events with a few properties each fits well within this. */
const EVENTS_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * Arrays and objects nested deeper than this are refused before JSON.parse: an event is
 * `{"events": [{"props": {...}}]}`, four levels. Deep nesting costs the parser and the validation
 * time and stack for nothing.
 */
const MAX_JSON_NESTING = 8;

const DEFAULT_RATE_PER_MINUTE = 600;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Equal-length digests, so the comparison takes the same time whatever the token's length or content. */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
}

/** How deep the arrays and objects of a JSON text nest, in one pass that skips strings. */
export function jsonNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i += 1; // backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return deepest;
}

/**
 * POST /api/events: behaviour events from the website or product, one event (a JSON object), or
 * many (`{ "events": [...] }` or an array), up to MAX_EVENTS_PER_BATCH. Each event is checked on
 * its own and answered in `results` by index: recorded, duplicate (its id was seen before: retries
 * are safe) or rejected with the reason. 401 without the bearer token; 400 for a body that is not
 * an event or a batch; 413 past the size limit.
 */
export function registerEventsRoutes(app: FastifyInstance, options: EventsApiOptions): void {
  // A scope of its own: the JSON parser with the nesting limit and the rate limit apply here only.
  void app.register(async (scope) => {
    await scope.register(rateLimit, { global: false });
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: EVENTS_BODY_LIMIT }, (request, body, done) => {
      const text = String(body);
      if (jsonNesting(text) > MAX_JSON_NESTING) {
        done(Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_NESTING} levels`), { statusCode: 400 }), undefined);
        return;
      }
      // Fastify's own parser (prototype-poisoning checks), which calls `done` itself.
      void parseJson(request, text, done);
    });
    scope.post(
      '/api/events',
      {
        bodyLimit: EVENTS_BODY_LIMIT,
        // The token is checked before the body is read: a stranger's request costs no parsing.
        onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
          const token = bearerToken(request);
          if (token && sameToken(token, options.token)) return;
          await reply
            .code(401)
            .header('www-authenticate', 'Bearer')
            .send({ error: 'unauthorized', message: 'Send the events API token as "Authorization: Bearer <EVENTS_API_TOKEN>".' });
        },
        config: {
          rateLimit: {
            max: options.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
            timeWindow: 60_000,
            // Per token, not per address: senders sit behind proxies, and a leaked token is what to slow down.
            keyGenerator: (request: FastifyRequest) => digest(bearerToken(request)).toString('hex'),
            errorResponseBuilder: (_request: FastifyRequest, context: { after: string }) => ({
              statusCode: 429,
              error: 'rate_limited',
              message: `Too many requests for this token; retry after ${context.after}.`,
            }),
          },
        },
      },
      async (request, reply) => {
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
      },
    );
  });
}
