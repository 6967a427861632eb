import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReplyDoc, SuppressionAuditDoc, SuppressionEntryDoc } from '../../db/index.ts';
import {
  LIFT_NOTE,
  liftSuppression,
  listSuppressions,
  recentLifts,
  recentUnmatchedMail,
  suppressionEvidence,
  suppressionWhy,
  unmatchedReport,
  type LiftResult,
} from '../../optout/index.ts';
import { csrfToken, repOf } from './auth.ts';
import type { RepAppOptions } from './index.ts';
import type { Notice } from './pages.ts';
import { suppressionPage, type LiftRow, type SuppressionRow, type UnmatchedRow } from './suppression-page.ts';

const HTML = 'text/html; charset=utf-8';
const PAGE_SIZE = 50;
const RECENT = 20;
/** Bytes of a lift form: an address, a time and a reason of at most MAX_LIFT_REASON characters, URL-encoded. */
const LIFT_BODY_LIMIT = 16 * 1024;
/** Longer query values are no cursor (an ISO time, `~`, a contact id). */
const MAX_CURSOR = 200;

/** What the page says after a lift, by result: fixed words, nothing from the request. */
const LIFT_NOTICES: Record<Exclude<LiftResult['kind'], 'refused'> | Extract<LiftResult, { kind: 'refused' }>['code'], Notice> = {
  lifted: { kind: 'ok', text: `Suppression lifted and recorded in the audit trail. ${LIFT_NOTE}` },
  already_lifted: { kind: 'ok', text: `That suppression was lifted already; the audit trail says by whom. ${LIFT_NOTE}` },
  not_admin: { kind: 'error', text: 'Only an admin can lift a suppression.' },
  reason_missing: { kind: 'error', text: 'Say why (under 1,000 characters): the reason goes into the audit trail.' },
  contact_not_found: { kind: 'error', text: 'No such contact.' },
  not_suppressed: { kind: 'error', text: 'That contact is not suppressed.' },
  changed: { kind: 'error', text: 'The contact was suppressed again since the list was shown; look again before lifting.' },
};
const isNoticeKey = (value: unknown): value is keyof typeof LIFT_NOTICES => typeof value === 'string' && Object.hasOwn(LIFT_NOTICES, value);

const fieldOf = (source: unknown, name: string): string | undefined => {
  const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const suppressionRow = (entry: SuppressionEntryDoc): SuppressionRow => ({
  id: entry._id,
  email: entry.email,
  why: suppressionWhy(entry),
  at: entry.at,
  evidence: suppressionEvidence(entry),
  lifted: entry.lifted && { at: entry.lifted.at, by: entry.lifted.by },
});

const liftRow = (a: SuppressionAuditDoc): LiftRow => ({
  at: a.at,
  by: a.by,
  email: a.email,
  was: `${suppressionWhy(a.prior.suppressed)} since ${a.prior.suppressed.at.toISOString()}`,
  reason: a.reason,
});

const unmatchedRow = (reply: ReplyDoc): UnmatchedRow => ({
  receivedAt: reply.receivedAt,
  from: reply.from,
  subject: reply.subject,
  intent: reply.intent ?? '',
  report: unmatchedReport(reply),
});

/**
 * The admins' suppression page (GET /admin/suppressions) and its lift form (POST
 * /admin/suppressions/lift, with the app's CSRF check). Anyone else gets 403: reps need not see
 * who opted out, and only an admin may write to them again.
 */
export function registerSuppressionRoutes(app: FastifyInstance, options: RepAppOptions): void {
  const { db, now } = options;

  const refuseNonAdmin = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (repOf(request).role === 'admin') return false;
    void reply.code(403).type('text/plain; charset=utf-8').send('Only admins see suppressions.');
    return true;
  };

  app.get('/admin/suppressions', async (request, reply) => {
    if (refuseNonAdmin(request, reply)) return reply;
    const reasonParam = fieldOf(request.query, 'reason');
    const reason = reasonParam === 'unsubscribe' || reasonParam === 'bounce' ? reasonParam : undefined;
    const lifted = fieldOf(request.query, 'lifted') === '1';
    const before = fieldOf(request.query, 'before')?.slice(0, MAX_CURSOR);
    const [page, lifts, unmatched] = await Promise.all([
      listSuppressions(db, { reason, includeLifted: lifted, before, limit: PAGE_SIZE }),
      recentLifts(db, RECENT),
      recentUnmatchedMail(db, RECENT),
    ]);
    const older = page.next
      ? new URLSearchParams({ ...(reason && { reason }), ...(lifted && { lifted: '1' }), before: page.next }).toString()
      : undefined;
    const notice = fieldOf(request.query, 'notice');
    const rep = repOf(request);
    return reply.type(HTML).send(
      suppressionPage({
        viewer: { email: rep._id, name: rep.name, role: rep.role },
        csrf: csrfToken(request, reply),
        rows: page.entries.map(suppressionRow),
        filter: { reason, lifted },
        older,
        lifts: lifts.map(liftRow),
        unmatched: unmatched.map(unmatchedRow),
        notice: isNoticeKey(notice) ? LIFT_NOTICES[notice] : undefined,
        liftNote: LIFT_NOTE,
      }),
    );
  });

  app.post('/admin/suppressions/lift', { bodyLimit: LIFT_BODY_LIMIT }, async (request, reply) => {
    if (refuseNonAdmin(request, reply)) return reply;
    const at = fieldOf(request.body, 'at');
    const expectedAt = at && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at) ? new Date(at) : undefined;
    const result = await liftSuppression(db, {
      email: fieldOf(request.body, 'email') ?? '',
      by: repOf(request),
      reason: fieldOf(request.body, 'reason') ?? '',
      now: now(),
      expectedAt,
    });
    const notice = result.kind === 'refused' ? result.code : result.kind;
    if (result.kind !== 'refused')
      request.log.info({ rep: result.audit.by, auditId: result.audit._id, result: result.kind }, 'suppression lifted');
    return reply.redirect(`/admin/suppressions?notice=${notice}`, 303);
  });
}
