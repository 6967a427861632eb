import formbody from '@fastify/formbody';
import type { ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TrustProxy } from '../config.ts';
import type { ParleyCollections } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { repApp, type RepAppOptions } from './app/index.ts';
import { registerMetricsRoute, type MetricsSource } from './metrics-route.ts';
import { registerEventsRoutes, type EventsApiOptions } from './events-routes.ts';
import { badRequestPage, errorPage, notFoundPage } from './pages.ts';
import { registerUnsubscribeRoutes } from './unsubscribe-routes.ts';

export interface WebServerOptions {
  db: Pick<ParleyCollections, 'contacts' | 'enrollments' | 'events' | 'rollupQueue' | 'statsQueue' | 'suppressions' | 'webhookQueue'>;
  /** POST /api/events with this bearer token (config EVENTS_API_TOKEN); undefined: no events API. */
  eventsApi?: Omit<EventsApiOptions, 'db' | 'now'> | undefined;
  /** Key that signs unsubscribe links (config.web.unsubscribeSecret). Undefined: every link is a 404. */
  unsubscribeSecret: string | undefined;
  /** Pass a child logger (`component: 'web'`); Fastify's own request lines are off (see below). */
  logger: Logger;
  now?: () => Date;
  /**
   * Whose X-Forwarded-For/-Proto to believe (config WEB_TRUST_PROXY); default false: the peer is
   * the client. `request.ip`, and so the per-address login limit, is the client's only when the
   * TLS proxy in front is trusted here.
   */
  trustProxy?: TrustProxy | undefined;
  /** The rep app (login, inbox, task pages, JSON API). Undefined: only unsubscribe and health routes. */
  repApp?: Omit<RepAppOptions, 'now'> | undefined;
  /** Prometheus metrics served at GET /metrics (the worker's WorkerMetrics). Undefined: no such route. */
  metrics?: MetricsSource | undefined;
  /** Bearer token GET /metrics asks for (config.web.metricsToken). Undefined: open to whoever reaches the server. */
  metricsToken?: string | undefined;
  /**
   * GET /readyz: 200 when every check is ok, else 503, with the checks as JSON (no secrets, no
   * connection strings: the checks write their own details). Undefined: no such route.
   */
  readiness?: (() => Promise<{ ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>) | undefined;
}

/**
 * Every response: the pages are a few static lines of HTML with inline style, so the policy
 * forbids everything else (scripts, frames, images, other form targets). `no-referrer` because
 * the URL holds the unsubscribe token; `no-store` because the pages name a person.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** Bytes. The only bodies are a one-field form or an RFC 8058 one-click POST (the rep app's task routes allow more). */
const BODY_LIMIT = 16 * 1024;

/**
 * The public web server: the unsubscribe page and RFC 8058 one-click endpoint, a health check,
 * and, when given, the Prometheus metrics.
 * Built, not started: tests call `inject()`, the worker calls `startWebServer`.
 */
export function buildWebServer(options: WebServerOptions): FastifyInstance {
  // Typed as Fastify's logger interface so the app is a plain FastifyInstance (pino's own type
  // would make every route and plugin type carry it).
  const log: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance: log,
    // Fastify's own request lines log the URL, and the URL holds the unsubscribe token (a
    // credential): the onResponse hook below logs the route pattern instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    routerOptions: {
      // A token is ~100 characters for a UUID contact id; find-my-way's default limit is 100.
      maxParamLength: 600,
      // These two answer before Fastify's hooks and error handler would: same page, same headers.
      onMaxParamLength: (_path, _req, res) => sendRaw(res, 414, badRequestPage()),
      onBadUrl: (_path, _req, res) => sendRaw(res, 400, badRequestPage()),
    },
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'none';
    // Health checks and scrapes come every few seconds: debug, or they drown the rest.
    const level = (route === '/healthz' || route === '/readyz' || route === '/metrics') && reply.statusCode === 200 ? 'debug' : 'info';
    log[level]({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).type('text/html; charset=utf-8').send(notFoundPage()));
  // No message or stack trace reaches the client: 4xx answers keep their status (bad form body,
  // body too large), anything else is logged here and answered with a generic page.
  app.setErrorHandler(async (error: unknown, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) {
      log.error({ err: error, method: request.method, route: request.routeOptions.url ?? 'none' }, 'request failed');
    }
    // API clients get JSON they can read (a body that isn't JSON, one over the size limit).
    if (request.url.startsWith('/api/events')) {
      const [error, message] =
        status >= 500
          ? ['internal', 'Something went wrong; retry later.']
          : status === 429
            ? ['rate_limited', 'Too many requests for this token; retry after the Retry-After seconds.']
            : [status === 413 ? 'too_large' : 'bad_request', 'Send a JSON body (application/json) within the size and nesting limits.'];
      return reply.code(status).send({ error, message });
    }
    const body = status >= 500 ? errorPage() : status === 404 ? notFoundPage() : badRequestPage();
    return reply.code(status).type('text/html; charset=utf-8').send(body);
  });

  app.register(formbody);
  // RFC 8058's own example sends the one-click body as multipart/form-data, and nothing is read
  // from the body anyway (see unsubscribe-routes.ts): accept any other type and ignore it.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));

  app.get('/healthz', () => Promise.resolve({ status: 'ok' }));
  const { readiness } = options;
  if (readiness) {
    app.get('/readyz', async (_request, reply) => {
      const result = await readiness();
      return reply.code(result.ready ? 200 : 503).send({ ready: result.ready, checks: result.checks });
    });
  }
  const now = options.now ?? (() => new Date());
  registerUnsubscribeRoutes(app, { db: options.db, secret: options.unsubscribeSecret, now });
  if (options.eventsApi) registerEventsRoutes(app, { ...options.eventsApi, db: options.db, now });
  if (options.metrics) registerMetricsRoute(app, { metrics: options.metrics, token: options.metricsToken });
  if (options.repApp) app.register(repApp, { ...options.repApp, now });
  return app;
}

/** Fastify's types leave out the hop count its runtime takes; the function is what Fastify makes of one: trust the n nearest hops. */
function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return typeof trust === 'boolean' ? trust : [...trust];
}

function sendRaw(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

function statusOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const code = error.statusCode;
    if (typeof code === 'number' && code >= 400 && code < 600) return code;
  }
  return 500;
}

/**
 * Listens on host:port and returns the address, e.g. http://127.0.0.1:8080; port 0 picks a free
 * port (tests). Stop it with `app.close()`, which waits for open requests, before closing MongoDB.
 * The worker does not call this when WEB_PORT is 0 (off). Put it behind a TLS-terminating proxy:
 * RFC 8058 one-click needs an https URL.
 */
export async function startWebServer(app: FastifyInstance, at: { host: string; port: number }): Promise<string> {
  try {
    await app.listen({ host: at.host, port: at.port });
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error;
    const why =
      code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'is not allowed for this user' : 'is not an address of this machine';
    throw new ParleyError(
      ErrorCodes.CONFIG_INVALID,
      `WEB_HOST ${at.host}, WEB_PORT ${at.port} ${why} (${String(code)}): free the port or set WEB_PORT (0 turns the web server off) or WEB_HOST.`,
      { cause: error },
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : at.port;
  const host = at.host.includes(':') ? `[${at.host}]` : at.host;
  return `http://${host}:${port}`;
}
