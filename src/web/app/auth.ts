import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RepDoc } from '../../reps/index.ts';
import { getRep, verifyRepLogin } from '../../reps/index.ts';
import type { Database } from '../../db/index.ts';
import { loginPage } from './pages.ts';
import { SESSION_TTL_MS, SessionStore } from '../../db/index.ts';

export const SESSION_COOKIE = 'parley_session';
const HTML = 'text/html; charset=utf-8';

/** Login attempts allowed per client address and email in LOGIN_WINDOW. */
export const LOGIN_MAX_ATTEMPTS = 5;
const LOGIN_WINDOW = '1 minute';

/** Paths reachable without a session. */
const PUBLIC = new Set(['/login', '/static/app.css', '/static/app.js']);

const signedInRep = new WeakMap<FastifyRequest, RepDoc>();

/** The rep behind the request; only called from routes behind `requireSession`. */
export function repOf(request: FastifyRequest): RepDoc {
  const rep = signedInRep.get(request);
  if (!rep) throw new Error('route reached without a session');
  return rep;
}

export interface AuthContext {
  db: Database;
  sessions: SessionStore;
  secureCookies: boolean;
  now: () => Date;
}

function sessionIdOf(request: FastifyRequest): string | undefined {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/**
 * onRequest hook: every route but login and the static files needs a live session of a rep who
 * still exists. Pages redirect to /login; the JSON API answers 401.
 */
export function requireSession(context: AuthContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (PUBLIC.has(path)) return;
    const sessionId = sessionIdOf(request);
    const email = sessionId ? await context.sessions.find(sessionId, context.now()) : undefined;
    const rep = email ? await getRep(context.db, email) : undefined;
    if (rep) {
      signedInRep.set(request, rep);
      return;
    }
    if (path.startsWith('/api/')) return reply.code(401).send({ error: 'unauthenticated', message: 'Log in first.' });
    return reply.redirect('/login', 303);
  };
}

export function registerAuthRoutes(app: FastifyInstance, context: AuthContext): void {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: context.secureCookies, signed: true };

  app.get('/login', async (_request, reply) => reply.type(HTML).send(loginPage(reply.generateCsrf())));

  app.post<{ Body: { email?: unknown; password?: unknown } }>(
    '/login',
    {
      config: {
        rateLimit: {
          max: LOGIN_MAX_ATTEMPTS,
          timeWindow: LOGIN_WINDOW,
          // After the body is parsed, so the key can name the account: one attacker cannot lock
          // a rep out from everywhere, and one address cannot try many passwords on one account.
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => `${request.ip}|${emailOf(request.body)}`,
        },
      },
    },
    async (request, reply) => {
      const email = emailOf(request.body);
      const password = typeof request.body?.password === 'string' ? request.body.password : '';
      const rep = email && password ? await verifyRepLogin(context.db, email, password) : undefined;
      if (!rep) {
        request.log.info({ event: 'login_failed' }, 'login refused');
        return reply
          .code(401)
          .type(HTML)
          .send(loginPage(reply.generateCsrf(), { kind: 'error', text: 'Email or password is wrong.' }));
      }
      const old = sessionIdOf(request);
      if (old) await context.sessions.delete(old);
      const sessionId = await context.sessions.create(rep._id, context.now());
      request.log.info({ rep: rep._id }, 'rep logged in');
      return reply.setCookie(SESSION_COOKIE, sessionId, { ...cookieOptions, maxAge: SESSION_TTL_MS / 1000 }).redirect('/', 303);
    },
  );

  app.post('/logout', async (request, reply) => {
    const sessionId = sessionIdOf(request);
    if (sessionId) await context.sessions.delete(sessionId);
    return reply.clearCookie(SESSION_COOKIE, cookieOptions).redirect('/login', 303);
  });
}

function emailOf(body: unknown): string {
  if (typeof body !== 'object' || body === null || !('email' in body)) return '';
  return typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : '';
}
