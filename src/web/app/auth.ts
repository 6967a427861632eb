import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RepDoc } from '../../reps/index.ts';
import { getRep, LoginThrottle, newDeviceToken, verifyRepLogin } from '../../reps/index.ts';
import type { Database } from '../../db/index.ts';
import { loginPage } from './pages.ts';
import { LoginThrottleStore, SESSION_TTL_MS, SessionStore } from '../../db/index.ts';

const HTML = 'text/html; charset=utf-8';

/**
 * The app's cookie names. With Secure cookies they carry the `__Host-` prefix (RFC 6265bis §4.1.3.2):
 * browsers then accept them only with Secure, Path=/ and no Domain, so neither a sibling subdomain
 * nor a plain-http page can plant or overwrite them (the CSRF secret included).
 */
export function cookieNames(secure: boolean): { session: string; csrf: string; device: string } {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}parley_session`, csrf: `${prefix}parley_csrf`, device: `${prefix}parley_device` };
}

/** Seconds a browser keeps its device token (see newDeviceToken): half a year. */
const DEVICE_TOKEN_MAX_AGE_S = 183 * 24 * 60 * 60;

/** Login attempts allowed per client address (any accounts) in LOGIN_WINDOW; per account, see LoginThrottle. */
export const LOGIN_MAX_ATTEMPTS_PER_IP = 30;
const LOGIN_WINDOW = '1 minute';

/** Paths reachable without a session. */
const PUBLIC = new Set(['/login', '/static/app.css', '/static/app.js']);

/** CSRF tokens of requests without a session are bound to this instead of a session id. */
const NO_SESSION = 'anonymous';

const signedIn = new WeakMap<FastifyRequest, { rep: RepDoc; sessionId: string }>();

/** The rep behind the request; only called from routes behind `requireSession`. */
export function repOf(request: FastifyRequest): RepDoc {
  const session = signedIn.get(request);
  if (!session) throw new Error('route reached without a session');
  return session.rep;
}

/**
 * What the request's CSRF tokens are bound to (@fastify/csrf-protection's `getUserInfo`): the live
 * session's id, or NO_SESSION. A token issued to a visitor without a session, or to another
 * session, fails the HMAC check on a signed-in rep's POST even with its secret cookie planted.
 */
export function csrfBindingOf(request: FastifyRequest): string {
  return signedIn.get(request)?.sessionId ?? NO_SESSION;
}

/** A CSRF token for the page being rendered, bound to the request's session. */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfBindingOf(request) });
}

export interface AuthContext {
  db: Database;
  sessions: SessionStore;
  secureCookies: boolean;
  now: () => Date;
}

/** The value of a signed cookie of ours; undefined when absent or not signed with SESSION_SECRET. */
function signedCookie(request: FastifyRequest, cookie: string): string | undefined {
  const raw = request.cookies[cookie];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/**
 * onRequest hook: every route but login and the static files needs a live session of a rep who
 * still exists. Pages redirect to /login; the JSON API answers 401.
 */
export function requireSession(context: AuthContext) {
  const cookie = cookieNames(context.secureCookies).session;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (PUBLIC.has(path)) return;
    const sessionId = signedCookie(request, cookie);
    const email = sessionId ? await context.sessions.find(sessionId, context.now()) : undefined;
    const rep = email ? await getRep(context.db, email) : undefined;
    if (rep && sessionId) {
      signedIn.set(request, { rep, sessionId });
      return;
    }
    if (path.startsWith('/api/')) return reply.code(401).send({ error: 'unauthenticated', message: 'Log in first.' });
    return reply.redirect('/login', 303);
  };
}

export function registerAuthRoutes(app: FastifyInstance, context: AuthContext): void {
  const names = cookieNames(context.secureCookies);
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: context.secureCookies, signed: true };
  const throttle = new LoginThrottle(new LoginThrottleStore(context.db.db));

  app.get('/login', async (request, reply) => reply.type(HTML).send(loginPage(csrfToken(request, reply))));

  app.post<{ Body: { email?: unknown; password?: unknown } }>(
    '/login',
    {
      config: {
        rateLimit: {
          max: LOGIN_MAX_ATTEMPTS_PER_IP,
          timeWindow: LOGIN_WINDOW,
          // request.ip is the client's address behind a proxy only with WEB_TRUST_PROXY set.
          keyGenerator: (request: FastifyRequest) => request.ip,
        },
      },
    },
    async (request, reply) => {
      const email = emailOf(request.body);
      const password = typeof request.body?.password === 'string' ? request.body.password : '';
      const refuse = (status: 401 | 429, text: string) =>
        reply
          .code(status)
          .type(HTML)
          .send(loginPage(csrfToken(request, reply), { kind: 'error', text }));
      if (!email || !password) return refuse(401, 'Email or password is wrong.');
      const turn = await throttle.begin(email, context.now(), signedCookie(request, names.device));
      if (!turn.allowed) {
        const seconds = Math.ceil(turn.retryAfterMs / 1000);
        request.log.info({ event: 'login_throttled', retryAfterS: seconds }, 'login throttled');
        // The same answer whether or not a rep has this address.
        reply.header('retry-after', String(seconds));
        return refuse(429, `Too many failed logins for this address. Wait ${seconds} s, then try again.`);
      }
      const rep = await verifyRepLogin(context.db, email, password);
      await turn.settle(rep !== undefined);
      if (!rep) {
        request.log.info({ event: 'login_failed' }, 'login refused');
        return refuse(401, 'Email or password is wrong.');
      }
      const old = signedCookie(request, names.session);
      if (old) await context.sessions.delete(old);
      const sessionId = await context.sessions.create(rep._id, context.now());
      request.log.info({ rep: rep._id }, 'rep logged in');
      return reply
        .setCookie(names.session, sessionId, { ...cookieOptions, maxAge: SESSION_TTL_MS / 1000 })
        .setCookie(names.device, newDeviceToken(email), { ...cookieOptions, maxAge: DEVICE_TOKEN_MAX_AGE_S })
        .redirect('/', 303);
    },
  );

  app.post('/logout', async (request, reply) => {
    const sessionId = signedCookie(request, names.session);
    if (sessionId) await context.sessions.delete(sessionId);
    return reply.clearCookie(names.session, cookieOptions).redirect('/login', 303);
  });
}

function emailOf(body: unknown): string {
  if (typeof body !== 'object' || body === null || !('email' in body)) return '';
  return typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : '';
}
