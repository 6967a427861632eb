import { escapeHtml } from '../pages.ts';
import { layout, type Viewer } from './pages.ts';

/** A timeline entry as the page shows it; every string in it may come from mail and is escaped. */
export interface TimelineRow {
  at: Date;
  kind: string;
  sequenceId: string | undefined;
  title: string;
  detail: string | undefined;
  mail: { from: string; subject: string; text: string } | undefined;
  intent: string | undefined;
  taskId: string | undefined;
}

export interface TimelinePageModel {
  email: string;
  name: string;
  /** The open conversation in words (or that there is none). */
  conversation: string;
  inConversation: boolean;
  rows: TimelineRow[];
}

const e = escapeHtml;
const when = (at: Date) => e(at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC');
/** The entry kinds' labels; the thread's colours (.entry.reply, .entry.rep_answer) mark the mail. */
const LABELS: Record<string, string> = {
  email_sent: 'Email sent',
  email_not_sent: 'Not sent',
  reply: 'Reply',
  rep_answer: 'Rep answer',
  task: 'Task',
  enrollment: 'Sequence',
  event: 'Event',
};

function rowHtml(row: TimelineRow): string {
  const task = row.taskId ? ` · <a href="/tasks/${e(encodeURIComponent(row.taskId))}">task</a>` : '';
  const mail = row.mail
    ? `<div class="entry ${row.kind === 'reply' ? 'reply' : row.kind === 'rep_answer' ? 'rep_answer' : 'step'}"><span class="meta">from ${e(row.mail.from)}</span><br><strong>${e(row.mail.subject)}</strong>
<details><summary>Text</summary><pre>${e(row.mail.text)}</pre></details></div>`
    : '';
  return `<tr data-kind="${e(row.kind)}"><td>${when(row.at)}</td><td>${e(LABELS[row.kind] ?? row.kind)}</td><td>${e(row.sequenceId ?? '')}</td>
<td><strong>${e(row.title)}</strong>${row.intent ? ` <span class="tag sender">${e(row.intent)}</span>` : ''}${task}${row.detail ? `<div class="meta">${e(row.detail)}</div>` : ''}${mail}</td></tr>`;
}

export function timelinePage(model: TimelinePageModel, viewer: Viewer, csrf: string): string {
  return layout(
    `Timeline: ${model.email}`,
    `<h1>${e(model.name || model.email)}</h1>
<p class="meta">${e(model.email)} · ${model.rows.length} entries, oldest first</p>
<p class="notice${model.inConversation ? '' : ' ok'}" id="conversation" role="status">${e(model.conversation)}</p>
<table id="timeline"><thead><tr><th>When</th><th>What</th><th>Sequence</th><th>Detail</th></tr></thead>
<tbody>${model.rows.map(rowHtml).join('\n')}</tbody></table>`,
    { viewer, csrf },
  );
}
