import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listReps, removeRep, setOnDuty, type RepDoc } from '../../reps/index.ts';
import { isParleyError } from '../../errors.ts';
import { escapeHtml as e } from '../pages.ts';
import { csrfToken, repOf } from './auth.ts';
import type { RepAppOptions } from './index.ts';
import { layout, type Notice } from './pages.ts';

const HTML = 'text/html; charset=utf-8';
/** Bytes of a duty or remove form: an address and a flag, URL-encoded. */
const BODY_LIMIT = 4 * 1024;

/** What the page says after an action: fixed words, nothing from the request. */
const NOTICES: Record<string, Notice> = {
  duty: { kind: 'ok', text: 'Duty changed: off-duty reps get no new tasks and no escalations.' },
  removed: { kind: 'ok', text: 'Rep removed: their open and claimed tasks are back in the pool, their sessions ended.' },
  not_found: { kind: 'error', text: 'No such rep.' },
  self: { kind: 'error', text: 'You cannot remove yourself; ask another admin.' },
};

const field = (body: unknown, name: string): string | undefined => {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : undefined;
};

const csrfField = (csrf: string) => `<input type="hidden" name="_csrf" value="${e(csrf)}">`;

function repRow(rep: RepDoc, viewer: RepDoc, csrf: string): string {
  const duty = `<form class="inline" method="post" action="/reps/duty">${csrfField(csrf)}<input type="hidden" name="email" value="${e(rep._id)}">
<input type="hidden" name="onDuty" value="${rep.onDuty ? 'false' : 'true'}"><button type="submit" class="secondary" data-duty="${e(rep._id)}">${rep.onDuty ? 'Set off duty' : 'Set on duty'}</button></form>`;
  const remove =
    viewer.role === 'admin' && rep._id !== viewer._id
      ? `<form class="inline" method="post" action="/reps/remove">${csrfField(csrf)}<input type="hidden" name="email" value="${e(rep._id)}"><button type="submit" class="secondary" data-remove="${e(rep._id)}">Remove</button></form>`
      : '';
  return `<tr><td>${e(rep._id)}</td><td>${e(rep.name)}</td><td>${e(rep.role)}${rep.lead ? ', lead' : ''}</td><td>${rep.onDuty ? 'on duty' : 'off duty'}</td><td>${duty} ${remove}</td></tr>`;
}

/**
 * Reps (issue 17): an admin sets anyone on or off duty and removes reps; a rep sees only
 * themselves and may set their own duty. Anything else is 403 and changes nothing.
 */
export function registerRepRoutes(app: FastifyInstance, options: RepAppOptions): void {
  const { db, now } = options;

  app.get<{ Querystring: { notice?: string } }>('/reps', async (request, reply) => {
    const viewer = repOf(request);
    const reps = viewer.role === 'admin' ? await listReps(db) : [viewer];
    const csrf = csrfToken(request, reply);
    const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
    const body = `<div class="card"><h1>Reps</h1>${notice ? `<p class="notice${notice.kind === 'ok' ? ' ok' : ''}" role="status">${e(notice.text)}</p>` : ''}
<table id="reps"><thead><tr><th>Address</th><th>Name</th><th>Role</th><th>Duty</th><th></th></tr></thead><tbody>${reps.map((r) => repRow(r, viewer, csrf)).join('')}</tbody></table>
<p class="meta">A password is reset with <code>parley reps reset-password &lt;email&gt;</code>.</p></div>`;
    return reply.type(HTML).send(layout('Reps', body, { viewer: { email: viewer._id, name: viewer.name, role: viewer.role }, csrf }));
  });

  const forbidden = (reply: FastifyReply, text: string) => reply.code(403).type('text/plain; charset=utf-8').send(text);
  const done = (reply: FastifyReply, notice: keyof typeof NOTICES) => reply.redirect(`/reps?notice=${notice}`, 303);

  app.post('/reps/duty', { bodyLimit: BODY_LIMIT }, async (request: FastifyRequest, reply) => {
    const viewer = repOf(request);
    const email = field(request.body, 'email') ?? viewer._id;
    if (viewer.role !== 'admin' && email !== viewer._id) return forbidden(reply, 'Only an admin can change another rep’s duty.');
    try {
      await setOnDuty(db, email, field(request.body, 'onDuty') !== 'false');
    } catch (error) {
      if (isParleyError(error, 'REP_NOT_FOUND')) return done(reply, 'not_found');
      throw error;
    }
    return done(reply, 'duty');
  });

  app.post('/reps/remove', { bodyLimit: BODY_LIMIT }, async (request: FastifyRequest, reply) => {
    const viewer = repOf(request);
    if (viewer.role !== 'admin') return forbidden(reply, 'Only an admin can remove a rep.');
    const email = field(request.body, 'email');
    if (!email) return done(reply, 'not_found');
    if (email === viewer._id) return done(reply, 'self');
    try {
      await removeRep(db, email, viewer._id, now());
    } catch (error) {
      if (isParleyError(error, 'REP_NOT_FOUND')) return done(reply, 'not_found');
      throw error;
    }
    return done(reply, 'removed');
  });
}
