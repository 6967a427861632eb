import { escapeHtml } from '../pages.ts';
import { layout, type Notice, type Viewer } from './pages.ts';

/**
 * The admins' suppression page: the register, the lift form, the audit trail, and the mail that
 * matched nothing. Addresses, reasons, bounce diagnostics and subjects come from strangers' mail
 * or from people: every one goes through `e`.
 */

export interface SuppressionRow {
  /** The register entry's id: the cursor of the page after it. */
  id: string;
  email: string;
  why: string;
  at: Date;
  evidence: string;
  lifted: { at: Date; by: string } | undefined;
}

export interface LiftRow {
  at: Date;
  by: string;
  email: string;
  was: string;
  reason: string;
}

export interface UnmatchedRow {
  receivedAt: Date;
  from: string;
  subject: string;
  intent: string;
  /** A delivery report's claims: the address it names, its status, the Message-ID it cites. */
  report: string;
}

export interface SuppressionPageModel {
  viewer: Viewer;
  csrf: string;
  rows: SuppressionRow[];
  filter: { reason: string | undefined; lifted: boolean };
  /** The query string of the next (older) page, when there is one. */
  older: string | undefined;
  lifts: LiftRow[];
  unmatched: UnmatchedRow[];
  notice: Notice | undefined;
  liftNote: string;
}

const e = escapeHtml;
const when = (at: Date) => e(at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

function liftForm(row: SuppressionRow, csrf: string): string {
  if (row.lifted) return `<span class="meta">lifted ${when(row.lifted.at)} by ${e(row.lifted.by)}</span>`;
  return `<form class="inline" method="post" action="/admin/suppressions/lift">
<input type="hidden" name="_csrf" value="${e(csrf)}"><input type="hidden" name="email" value="${e(row.email)}"><input type="hidden" name="at" value="${e(row.at.toISOString())}">
<input name="reason" required maxlength="1000" placeholder="why (for the audit trail)" aria-label="Reason to lift ${e(row.email)}">
<button type="submit" class="secondary">Lift</button></form>`;
}

function reasonSelect(selected: string | undefined): string {
  const options = [
    ['', 'any'],
    ['unsubscribe', 'unsubscribe'],
    ['bounce', 'hard bounce'],
  ]
    .map(([value = '', label = '']) => `<option value="${e(value)}"${value === (selected ?? '') ? ' selected' : ''}>${e(label)}</option>`)
    .join('');
  return `<label>Reason<br><select name="reason">${options}</select></label>`;
}

export function suppressionPage(model: SuppressionPageModel): string {
  const rows = model.rows
    .map(
      (r) =>
        `<tr data-email="${e(r.email)}"><td>${e(r.email)}</td><td>${e(r.why)}</td><td>${when(r.at)}</td><td>${e(r.evidence)}</td><td>${liftForm(r, model.csrf)}</td></tr>`,
    )
    .join('\n');
  const lifts = model.lifts
    .map((a) => `<tr><td>${when(a.at)}</td><td>${e(a.by)}</td><td>${e(a.email)}</td><td>${e(a.was)}</td><td>${e(a.reason)}</td></tr>`)
    .join('\n');
  const unmatched = model.unmatched
    .map(
      (u) =>
        `<tr><td>${when(u.receivedAt)}</td><td>${e(u.from)}</td><td>${e(u.subject)}</td><td>${e(u.intent)}</td><td>${e(u.report)}</td></tr>`,
    )
    .join('\n');
  const notice = model.notice
    ? `<p class="notice${model.notice.kind === 'ok' ? ' ok' : ''}" role="status">${e(model.notice.text)}</p>`
    : '';
  return layout(
    'Suppressions',
    `<h1>Suppressions</h1>
${notice}
<p class="meta">Parley writes to none of these addresses. Lifting one needs a reason and is kept in the audit trail. ${e(model.liftNote)}</p>
<form class="filters" method="get" action="/admin/suppressions">
${reasonSelect(model.filter.reason)}
<label><input type="checkbox" name="lifted" value="1"${model.filter.lifted ? ' checked' : ''}> include lifted</label>
<button type="submit" class="secondary">Filter</button>
</form>
<table id="suppressions"><thead><tr><th>Contact</th><th>Why</th><th>Since</th><th>Evidence</th><th>Lift</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5">No suppressions.</td></tr>'}</tbody></table>
${model.older ? `<p><a id="older" href="/admin/suppressions?${e(model.older)}">Older</a></p>` : ''}
<div class="card"><h2>Audit trail: lifts</h2>
<table id="lifts"><thead><tr><th>When</th><th>Who</th><th>Contact</th><th>Was</th><th>Reason</th></tr></thead><tbody>${lifts}</tbody></table></div>
<div class="card"><h2>Mail that matched nothing</h2>
<p class="meta">Recorded and changed nothing: replies from unknown senders, and delivery reports that cite no message Parley sent (anyone can write one naming any address).</p>
<table id="unmatched"><thead><tr><th>Received</th><th>From</th><th>Subject</th><th>Read as</th><th>Report</th></tr></thead><tbody>${unmatched}</tbody></table></div>`,
    { viewer: model.viewer, csrf: model.csrf },
  );
}
