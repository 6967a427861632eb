import type { TaskSettings } from '../../tasks/index.ts';
import type { WebhookEndpoint } from '../../webhooks/index.ts';
import { createHmac } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/index.ts';
import type { MailTransport } from '../../sending/index.ts';
import type { Sequence } from '../../sequences/index.ts';
import { APP_CSS, APP_JS } from './assets.ts';
import { cookieNames, csrfBindingOf, registerAuthRoutes, requireSession } from './auth.ts';
import { registerRepRoutes } from './rep-routes.ts';
import { registerStatsRoutes } from './stats-routes.ts';
import { registerSuppressionRoutes } from './suppression-routes.ts';
import { registerTaskRoutes } from './task-routes.ts';
import { registerWebhookRoutes } from './webhook-routes.ts';
import { registerTimelineRoutes } from './timeline-routes.ts';
import { InboxStream, registerInboxStream } from './inbox-stream.ts';
import { registerTriageRoutes } from './triage-routes.ts';
import { looksLikeShortTaskId, SessionStore, TaskShortIdStore } from '../../db/index.ts';

export interface RepAppOptions {
  db: Database;
  transport: MailTransport;
  getSequence: (id: string) => Sequence | undefined;
  /** Sequences a task can be moved to. */
  listSequences: () => ReadonlyArray<{ id: string; name: string }>;
  /** MESSAGE_ID_DOMAIN; unset: answers use their sending address's domain. */
  messageIdDomain: string | undefined;
  /** Signs the session and CSRF cookies (config SESSION_SECRET, 32+ characters). */
  sessionSecret: string;
  /** Cookies marked Secure and named `__Host-…` (config WEB_SECURE_COOKIES, default true). */
  secureCookies: boolean;
  /** Response-time targets and claim length (config.tasks). */
  taskSettings?: TaskSettings | undefined;
  /** The webhooks file's endpoints, listed on the admin webhook page (their secrets never shown). */
  webhookEndpoints?: ReadonlyArray<Pick<WebhookEndpoint, 'id' | 'events'>> | undefined;
  /** Milliseconds a rep's answer keeps a conversation open (config CONVERSATION_WAIT_MS), for the timeline; default 7 days. */
  conversationWaitMs?: number | undefined;
  now: () => Date;
}

/**
 * The rep app may run its one script and stylesheet (from /static/, never inline) and fetch from
 * its own origin (the inbox's event stream and rows, /api/tasks/...). Everything else stays forbidden.
 */
const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Registered as an encapsulated plugin: its cookies, CSRF check, session hook and CSP apply to its routes only. */
export async function repApp(app: FastifyInstance, options: RepAppOptions): Promise<void> {
  const context = { db: options.db, sessions: new SessionStore(options.db.db), secureCookies: options.secureCookies, now: options.now };
  await app.register(cookie, { secret: options.sessionSecret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookieNames(options.secureCookies).csrf,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: options.secureCookies, signed: true },
    // Tokens carry an HMAC of the session they were issued to (the library's userInfo): see csrfBindingOf.
    getUserInfo: csrfBindingOf,
    csrfOpts: { userInfo: true, hmacKey: createHmac('sha256', options.sessionSecret).update('parley csrf token binding').digest() },
  });
  await app.register(rateLimit, { global: false });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', APP_CSP);
    return payload;
  });
  app.addHook('onRequest', requireSession(context));
  // A short task id (`t-3f9a2c`, as the CLI prints it) works wherever a task id goes in an address.
  const shortIds = new TaskShortIdStore(options.db.db);
  app.addHook('preHandler', async (request) => {
    const params = request.params as Record<string, unknown> | undefined;
    const id = params?.id;
    if (typeof id !== 'string' || !looksLikeShortTaskId(id)) return;
    const taskId = await shortIds.resolve(id);
    if (taskId && params) params.id = taskId;
  });
  // Every state-changing route (all are POST) needs the CSRF token: form field _csrf or header x-csrf-token.
  app.addHook('preValidation', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done();
    app.csrfProtection(request, reply, done);
  });
  app.setErrorHandler(async (error: unknown, request, reply) => {
    const status =
      typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error, route: request.routeOptions.url ?? 'none' }, 'request failed');
    const code = status === 403 ? 'csrf_invalid' : status === 429 ? 'rate_limited' : status >= 500 ? 'internal' : 'bad_request';
    const message =
      status === 403
        ? 'The form expired or did not come from this site; reload the page.'
        : status === 429
          ? 'Too many attempts; wait a minute.'
          : status >= 500
            ? 'Something went wrong.'
            : 'Request not accepted.';
    if (request.url.startsWith('/api/')) return reply.code(status >= 400 && status < 600 ? status : 500).send({ error: code, message });
    return reply
      .code(status >= 400 && status < 600 ? status : 500)
      .type('text/plain; charset=utf-8')
      .send(message);
  });

  app.get('/static/app.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(APP_CSS));
  app.get('/static/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(APP_JS));
  registerAuthRoutes(app, context);
  registerTaskRoutes(app, options);
  registerInboxStream(app, new InboxStream(options.db));
  registerTriageRoutes(app, options);
  registerStatsRoutes(app, options);
  registerSuppressionRoutes(app, options);
  registerWebhookRoutes(app, options);
  registerRepRoutes(app, options);
  registerTimelineRoutes(app, options);
}
