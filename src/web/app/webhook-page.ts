import { escapeHtml } from '../pages.ts';
import { layout, type Notice, type Viewer } from './pages.ts';

/**
 * The admins' webhook page: the newest deliveries with their state and last answer, and a retry
 * button on given-up ones. Receivers' answers are strangers' text: everything goes through `e`.
 */

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventType: string;
  eventId: string;
  createdAt: Date;
  state: 'pending' | 'delivered' | 'given_up';
  attempts: number;
  /** The newest attempt's answer: status or error, and its time. */
  last: string;
  next: Date | undefined;
}

export interface WebhookPageModel {
  viewer: Viewer;
  csrf: string;
  rows: DeliveryRow[];
  filter: { state: string | undefined };
  endpoints: ReadonlyArray<{ id: string; events: string }>;
  notice: Notice | undefined;
}

const e = escapeHtml;
const when = (at: Date) => e(at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC');
const STATE_WORDS = { pending: 'pending', delivered: 'delivered', given_up: 'given up' } as const;

function retryForm(row: DeliveryRow, csrf: string): string {
  if (row.state !== 'given_up') return row.next ? `<span class="meta">next ${when(row.next)}</span>` : '';
  return `<form class="inline" method="post" action="/admin/webhooks/retry">
<input type="hidden" name="_csrf" value="${e(csrf)}"><input type="hidden" name="id" value="${e(row.id)}">
<button type="submit" class="secondary">Retry now</button></form>`;
}

function stateSelect(selected: string | undefined): string {
  const options = [['', 'any'], ...Object.entries(STATE_WORDS)]
    .map(([value = '', label = '']) => `<option value="${e(value)}"${value === (selected ?? '') ? ' selected' : ''}>${e(label)}</option>`)
    .join('');
  return `<label>State<br><select name="state">${options}</select></label>`;
}

export function webhookPage(model: WebhookPageModel): string {
  const rows = model.rows
    .map(
      (r) =>
        `<tr data-delivery="${e(r.id)}" data-state="${e(r.state)}"><td>${when(r.createdAt)}</td><td>${e(r.endpointId)}</td><td>${e(r.eventType)}</td><td>${e(STATE_WORDS[r.state])}</td><td>${r.attempts}</td><td>${e(r.last)}</td><td>${retryForm(r, model.csrf)}</td></tr>`,
    )
    .join('\n');
  const endpoints = model.endpoints.map((p) => `<li><strong>${e(p.id)}</strong>: ${e(p.events)}</li>`).join('');
  const notice = model.notice
    ? `<p class="notice${model.notice.kind === 'ok' ? ' ok' : ''}" role="status">${e(model.notice.text)}</p>`
    : '';
  return layout(
    'Webhooks',
    `<h1>Webhooks</h1>
${notice}
<p class="meta">Signed POSTs to the endpoints of the webhooks file, retried with backoff; a given-up delivery can be sent again now.</p>
<ul id="endpoints">${endpoints || '<li>No endpoints: set WEBHOOKS_FILE (docs/WEBHOOKS.md).</li>'}</ul>
<form class="filters" method="get" action="/admin/webhooks">
${stateSelect(model.filter.state)}
<button type="submit" class="secondary">Filter</button>
</form>
<table id="deliveries"><thead><tr><th>Created</th><th>Endpoint</th><th>Event</th><th>State</th><th>Attempts</th><th>Last answer</th><th></th></tr></thead>
<tbody>${rows || '<tr><td colspan="7">No deliveries in the last 30 days.</td></tr>'}</tbody></table>`,
    { viewer: model.viewer, csrf: model.csrf },
  );
}
