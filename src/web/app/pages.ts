import { escapeHtml } from '../pages.ts';
import { referralCard, triageCard, triageNotice, type ReferralCard, type TriageCard } from './triage-page.ts';

/**
 * The rep app's pages, rendered on the server. Everything that comes from mail, the database or
 * the request goes through `escapeHtml` (as text or as a double-quoted attribute value); the pages
 * load only /static/app.css and /static/app.js, so the CSP forbids inline script and style.
 */

export interface TaskRow {
  id: string;
  email: string;
  intent: string;
  confidence: number;
  priority: number;
  status: string;
  dueAt: Date | undefined;
  assignee: string | undefined;
  claimedBy: string | undefined;
  overdue: boolean;
  escalated: boolean;
  /** The reply's sender may not act for the contact (TaskDoc.senderConcern). */
  senderHeld: boolean;
  /** Replies from an address with no enrollment, for a rep to attach or dismiss (TaskDoc.triage). */
  triage?: boolean | undefined;
  /** The inbox row's words: who wrote, their company, the start of the reply (TaskPreview). */
  name?: string | undefined;
  company?: string | undefined;
  snippet?: string | undefined;
  sequenceId?: string | undefined;
  intentLabel?: string | undefined;
  priorityLabel?: string | undefined;
  /** "due in 12 min" or "5 min late" (then `overdue` is set too), as of the render. */
  dueLabel?: string | undefined;
  /** Set when a rep chose the intent: the classifier's confidence no longer applies. */
  relabelledBy?: string | undefined;
}

export interface Viewer {
  email: string;
  name: string;
  role: string;
}

export interface ThreadItem {
  kind: string;
  at: Date | undefined;
  from: string;
  subject: string;
  text: string;
  intent?: string | undefined;
}

export interface TaskPageModel {
  task: TaskRow;
  /** Admins only: the reps a task may be reassigned to (their addresses); absent for reps. */
  assignable?: readonly string[] | undefined;
  explanation: string;
  /** Set when the reply's sender may not act for the contact: why, in one line. */
  senderConcern: string | undefined;
  /** The date the lead asked to hear from us again, in their words (TaskDoc.namedDate). */
  namedDate?: { at: Date; phrase: string } | undefined;
  /** The receiving server's verdict on the sender (Authentication-Results), in words. */
  authentication: string;
  contact: { email: string; name: string; company: string | undefined; signals: Array<[string, string]> };
  enrollment: { sequenceId: string; status: string; reason: string | undefined } | undefined;
  thread: ThreadItem[];
  /** The answer's copied addresses (reply-all, editable) and the From it goes out with, when the sequence is loaded. */
  answer?: { cc: string[]; from: string | undefined } | undefined;
  events: Array<{ at: Date | undefined; by: string; action: string; detail: string }>;
  sequences: Array<{ id: string; name: string }>;
  intents: readonly string[];
  snippets: ReadonlyArray<{ label: string; text: string }>;
  notice: Notice | undefined;
  /** Set on a triage task (src/web/app/triage-page.ts). */
  triage?: TriageCard | undefined;
  /** The person the reply referred us to. */
  referral?: ReferralCard | undefined;
  /** The task's short id (`t-3f9a2c`) for `parley tasks …`; the app takes it in its addresses too. */
  shortId?: string | undefined;
}

export interface Notice {
  kind: 'error' | 'ok';
  text: string;
}

export const TASK_STATES = ['open', 'claimed', 'answered', 'snoozed', 'done'] as const;

const e = escapeHtml;
const when = (at: Date | undefined) => (at ? e(at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC') : '');
const csrfField = (csrf: string) => `<input type="hidden" name="_csrf" value="${e(csrf)}">`;

/** The page around every rep app page: the header (inbox, stats, who is logged in) and the one stylesheet and script. */
export function layout(title: string, body: string, options: { viewer?: Viewer; csrf: string }): string {
  const nav = options.viewer
    ? `<header><a href="/">Parley inbox</a><a href="/stats">Stats</a><a href="/reps">Reps</a>${options.viewer.role === 'admin' ? '<a href="/admin/suppressions">Suppressions</a><a href="/admin/webhooks">Webhooks</a>' : ''}<span>${e(options.viewer.name)} (${e(options.viewer.email)})</span>
<form method="post" action="/logout">${csrfField(options.csrf)}<button class="secondary" type="submit">Log out</button></form></header>`
    : '<header><span>Parley</span></header>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="csrf-token" content="${e(options.csrf)}">
<title>${e(title)}</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
${nav}
<main>
${body}
</main>
</body>
</html>
`;
}

const noticeHtml = (notice: Notice | undefined) =>
  notice ? `<p class="notice${notice.kind === 'ok' ? ' ok' : ''}" role="status">${e(notice.text)}</p>` : '';

export function loginPage(csrf: string, notice?: Notice): string {
  return layout(
    'Log in',
    `<div class="card login"><h1>Log in</h1>${noticeHtml(notice)}
<form method="post" action="/login">${csrfField(csrf)}
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form></div>`,
    { csrf },
  );
}

export function taskRowHtml(t: TaskRow): string {
  const marks = `${t.escalated ? ' <span class="tag escalated">escalated</span>' : ''}${t.senderHeld ? ' <span class="tag sender">check sender</span>' : ''}${t.triage ? ' <span class="tag triage">triage</span>' : ''}`;
  const due = t.dueLabel ?? when(t.dueAt);
  const person = t.name ? `<strong>${e(t.name)}</strong>${t.company ? ` <span class="company">${e(t.company)}</span>` : ''}<br>` : '';
  const confidence = t.relabelledBy ? `set by ${e(t.relabelledBy)}` : `${Math.round(t.confidence * 100)}% sure`;
  return (
    `<tr data-task-id="${e(t.id)}"${t.overdue ? ' class="late"' : ''}>` +
    `<td class="pick"><input type="checkbox" name="ids" value="${e(t.id)}" form="bulk" aria-label="Select"></td>` +
    `<td class="who"><a href="/tasks/${e(encodeURIComponent(t.id))}">${person}<span class="address">${e(t.email)}</span></a>${marks}</td>` +
    `<td class="snippet">${e(t.snippet ?? '')}</td>` +
    `<td class="seq">${e(t.sequenceId ?? (t.triage ? 'no sequence yet' : ''))}</td>` +
    `<td class="intent"><span class="intent-label">${e(t.intentLabel ?? t.intent)}</span><br><span class="meta">${confidence}</span></td>` +
    `<td class="due${t.overdue ? ' overdue' : ''}" title="${when(t.dueAt)}">${e(due)}<br><span class="meta">P${t.priority} ${e(t.priorityLabel ?? '')}</span></td>` +
    `<td class="assignee">${e(t.claimedBy ?? t.assignee ?? 'unassigned')}${t.claimedBy ? ' <span class="meta">(working on it)</span>' : ''}</td></tr>`
  );
}

function select(
  name: string,
  label: string,
  options: ReadonlyArray<string | readonly [string, string]>,
  selected: string | undefined,
  anyLabel = 'any',
): string {
  const items = ['', ...options].map((o) => {
    const [value, text] = typeof o === 'string' ? [o, o === '' ? anyLabel : o] : o;
    return `<option value="${e(value)}"${value === (selected ?? '') ? ' selected' : ''}>${e(text)}</option>`;
  });
  return `<label>${e(label)}<br><select name="${e(name)}">${items.join('')}</select></label>`;
}

/** The inbox's filters, as the query string of its links and form. */
export interface InboxFilterModel {
  view?: string | undefined;
  intent?: string | undefined;
  status?: string | undefined;
  assignee?: string | undefined;
  sequenceId?: string | undefined;
  search?: string | undefined;
}

const VIEW_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['all', 'All'],
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
  ['overdue', 'Overdue'],
];

function inboxQuery(filter: InboxFilterModel): string {
  const params = new URLSearchParams();
  const put = (key: string, value: string | undefined) => value && params.set(key, value);
  put('view', filter.view && filter.view !== 'all' ? filter.view : undefined);
  put('intent', filter.intent);
  put('status', filter.status);
  put('assignee', filter.assignee);
  put('sequence', filter.sequenceId);
  put('q', filter.search);
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

export function inboxPage(model: {
  viewer: Viewer;
  csrf: string;
  tasks: TaskRow[];
  counts: Record<string, number>;
  filter: InboxFilterModel;
  intents: ReadonlyArray<readonly [string, string]>;
  sequences: readonly string[];
  /** Who the bulk bar may assign to: admins pick any rep, a rep takes tasks for themselves. */
  assignable: readonly string[];
  notice?: Notice | undefined;
}): string {
  const { filter } = model;
  const counts = TASK_STATES.map((s) => `<li>${s}: <strong id="count-${s}">${model.counts[s] ?? 0}</strong></li>`).join('');
  const current = filter.view ?? 'all';
  const views = VIEW_LABELS.map(
    ([view, label]) =>
      `<a href="${e(inboxQuery({ ...filter, view }))}" data-view="${view}"${view === current ? ' aria-current="page"' : ''}>${label}</a>`,
  ).join('');
  const assignOptions = [
    '<option value="assign:me">Assign to me</option>',
    ...model.assignable.filter((r) => r !== model.viewer.email).map((r) => `<option value="assign:${e(r)}">Assign to ${e(r)}</option>`),
    ...(model.viewer.role === 'admin' ? ['<option value="unassign">Back to the pool</option>'] : []),
  ].join('');
  const notice = model.notice
    ? `<p class="notice${model.notice.kind === 'ok' ? ' ok' : ''}" role="status">${e(model.notice.text)}</p>`
    : '';
  return layout(
    'Inbox',
    `<h1>Replies that need a person</h1>
${notice}<nav class="views" aria-label="Views">${views}</nav>
<form class="filters" method="get" action="/" id="filters">
${current !== 'all' ? `<input type="hidden" name="view" value="${e(current)}">` : ''}
<label class="search">Search<br><input type="search" name="q" id="search" value="${e(filter.search ?? '')}" placeholder="Name, company, address or words" maxlength="200"></label>
${select('intent', 'Intent', model.intents, filter.intent)}
${select('sequence', 'Sequence', model.sequences, filter.sequenceId)}
${select('status', 'Status', TASK_STATES, filter.status, 'any but done')}
<button type="submit" class="secondary">Filter</button>
</form>
<ul class="counts">${counts}</ul>
<form class="bulk" id="bulk" method="post" action="/tasks/bulk">
${csrfField(model.csrf)}<input type="hidden" name="back" value="${e(inboxQuery(filter))}">
<label>With the selected tasks<br><select name="action" id="bulk-action">
${assignOptions}
<option value="snooze:1h">Snooze 1 hour</option><option value="snooze:1d">Snooze until tomorrow</option><option value="snooze:7d">Snooze 1 week</option>
<option value="close">Close</option>
</select></label>
<button type="submit" id="bulk-apply">Apply</button> <span class="meta" id="selected-count">none selected</span>
</form>
<div class="scroll"><table class="inbox"><thead><tr><th class="pick"><input type="checkbox" id="select-all" aria-label="Select all"></th><th>From</th><th>Reply</th><th>Sequence</th><th>Intent</th><th>Due</th><th>Assignee</th></tr></thead>
<tbody id="task-rows">${model.tasks.map(taskRowHtml).join('')}</tbody></table></div>
<p class="meta" id="empty"${model.tasks.length > 0 ? ' hidden' : ''}>Nothing here${filter.search || filter.intent || filter.sequenceId || filter.status || current !== 'all' ? ' for these filters' : ' right now'}.</p>
<p class="meta">Press <kbd>?</kbd> for keyboard shortcuts.</p>
<div id="shortcuts" class="overlay" role="dialog" aria-label="Keyboard shortcuts" hidden><div class="card">
<h2>Keyboard shortcuts</h2>
<table><tbody>
<tr><td><kbd>j</kbd> / <kbd>k</kbd></td><td>next / previous task</td></tr>
<tr><td><kbd>o</kbd> or <kbd>Enter</kbd></td><td>open the task</td></tr>
<tr><td><kbd>r</kbd></td><td>open the task and write the answer</td></tr>
<tr><td><kbd>x</kbd></td><td>select the task (for the bar above the list)</td></tr>
<tr><td><kbd>a</kbd></td><td>assign the selected tasks (or this one) to me</td></tr>
<tr><td><kbd>e</kbd></td><td>close the selected tasks (or this one)</td></tr>
<tr><td><kbd>/</kbd></td><td>search</td></tr>
<tr><td><kbd>?</kbd> / <kbd>Esc</kbd></td><td>show / hide this help</td></tr>
</tbody></table></div></div>`,
    { viewer: model.viewer, csrf: model.csrf },
  );
}

/** Splits a message into what the writer wrote and the quoted history below it (collapsed). */
export function splitQuoted(text: string): { fresh: string; quoted: string } {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*>/.test(line) || /^On .+wrote:\s*$/.test(line) || /^-{2,}\s*Original Message/i.test(line));
  if (start < 0) return { fresh: text, quoted: '' };
  return { fresh: lines.slice(0, start).join('\n').trimEnd(), quoted: lines.slice(start).join('\n') };
}

function threadEntry(item: ThreadItem): string {
  const { fresh, quoted } = splitQuoted(item.text);
  const label = item.kind === 'step' ? 'Sent step' : item.kind === 'reply' ? 'Reply' : 'Rep answer';
  return `<div class="entry ${item.kind === 'reply' ? 'reply' : item.kind === 'rep_answer' ? 'rep_answer' : 'step'}">
<div class="meta">${label} · ${when(item.at)} · from ${e(item.from)}${item.intent ? ` · ${e(item.intent)}` : ''}</div>
<strong>${e(item.subject)}</strong>
<pre>${e(fresh)}</pre>${quoted ? `<details><summary>Quoted history</summary><pre>${e(quoted)}</pre></details>` : ''}
</div>`;
}

function actionForm(taskId: string, action: string, csrf: string, inner: string): string {
  return `<form class="inline" method="post" action="/tasks/${e(encodeURIComponent(taskId))}/${action}">${csrfField(csrf)}${inner}</form>`;
}

/** Admins give a task to another rep or back to the pool (issue 17). */
function reassignCard(taskId: string, reps: readonly string[], current: string | undefined, csrf: string): string {
  const options = ['', ...reps]
    .map((r) => `<option value="${e(r)}"${r === (current ?? '') ? ' selected' : ''}>${r ? e(r) : 'Nobody (the pool)'}</option>`)
    .join('');
  return `<div class="card"><h2>Reassign</h2>${actionForm(
    taskId,
    'assign',
    csrf,
    `<select name="to" id="reassign-to" aria-label="Assign to">${options}</select><button type="submit" class="secondary" id="reassign">Reassign</button>`,
  )}</div>`;
}

export function taskPage(model: TaskPageModel, viewer: Viewer, csrf: string): string {
  const { task } = model;
  const id = task.id;
  const outcome = (kind: string, label: string, extra = '') =>
    actionForm(
      id,
      'outcome',
      csrf,
      `<input type="hidden" name="kind" value="${kind}">${extra}<button type="submit" class="secondary" data-outcome="${kind}">${e(label)}</button>`,
    );
  const sequenceOptions = model.sequences.map((s) => `<option value="${e(s.id)}">${e(s.name)}</option>`).join('');
  const intentOptions = model.intents
    .map((i) => `<option value="${e(i)}"${i === task.intent ? ' selected' : ''}>${e(i)}</option>`)
    .join('');
  const snippets = model.snippets
    .map((s) => `<button type="button" class="secondary" data-snippet="${e(s.text)}">${e(s.label)}</button>`)
    .join(' ');
  const signals = model.contact.signals.map(([k, v]) => `<li>${e(k)}: ${e(v)}</li>`).join('');
  const events = model.events
    .map((ev) => `<tr><td>${when(ev.at)}</td><td>${e(ev.by)}</td><td>${e(ev.action)}</td><td>${e(ev.detail)}</td></tr>`)
    .join('');
  return layout(
    `Task: ${task.email}`,
    `<h1>${e(model.contact.name || task.email)}</h1>
${model.shortId ? `<p class="meta">In the CLI: <code id="short-id">${e(model.shortId)}</code></p>` : ''}
${noticeHtml(model.notice)}
${model.senderConcern ? `<p class="notice" id="sender-concern" role="alert">${e(model.senderConcern)}. Nothing was changed automatically: decide below.</p>` : ''}
${model.triage ? triageNotice(model.triage) : ''}
<div class="grid"><div>
${model.triage ? triageCard(id, model.triage, csrf) : ''}
<div class="card"><h2>Thread</h2>${model.thread.map(threadEntry).join('\n')}</div>
<div class="card"><h2>Answer</h2>
${task.claimedBy ? `<p class="meta">Claimed by ${e(task.claimedBy)}</p>` : ''}
${actionForm(id, 'claim', csrf, '<button type="submit" id="claim">Claim</button>')}
${
  model.triage && !model.triage.attached
    ? '<p class="meta">Attach this triage task to a contact and one of its enrollments to answer in that thread.</p>'
    : `<form method="post" action="/tasks/${e(encodeURIComponent(id))}/reply">${csrfField(csrf)}
<div>${snippets}</div>
${model.answer?.from ? `<p class="meta">From <span id="reply-from">${e(model.answer.from)}</span>, to ${e(task.email)}; the reply is quoted below your answer.</p>` : ''}
<label for="reply-cc">CC</label> <input id="reply-cc" name="cc" size="60" value="${e((model.answer?.cc ?? []).join(', '))}" placeholder="nobody">
<textarea id="reply-text" name="text" required></textarea>
<button type="submit" id="send-reply">Send answer</button>
</form>`
}</div>
<div class="card"><h2>Outcome</h2>
${outcome('resume', 'Resume sequence')}${outcome('stop', 'Stop')}${outcome('done', 'Done')}${outcome('qualified', 'Qualified')}
${outcome('move', 'Move', `<select name="sequenceId" aria-label="Sequence">${sequenceOptions}</select>`)}
${outcome('snooze', 'Snooze', '<input type="date" name="until" aria-label="Snooze until" required>')}
</div>
${model.assignable ? reassignCard(id, model.assignable, task.assignee, csrf) : ''}
<div class="card"><h2>Audit trail</h2><table id="audit"><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Detail</th></tr></thead><tbody>${events}</tbody></table></div>
</div><div>
${model.referral ? referralCard(model.referral) : ''}
<div class="card"><h2>Contact</h2><p>${e(model.contact.email)}${model.contact.company ? `<br>${e(model.contact.company)}` : ''}</p>
<p><a id="contact-timeline" href="/contacts/${e(encodeURIComponent(model.contact.email))}/timeline">Timeline: everything with this contact</a></p>
${signals ? `<ul>${signals}</ul>` : '<p class="meta">No qualification signals yet.</p>'}
${model.enrollment ? `<p class="meta">Sequence ${e(model.enrollment.sequenceId)}: <span id="enrollment-status">${e(model.enrollment.status)}</span>${model.enrollment.reason ? ` (${e(model.enrollment.reason)})` : ''}</p>` : ''}
</div>
<div class="card"><h2>Intent</h2><p><strong>${e(task.intentLabel ?? task.intent)}</strong> <code id="intent">${e(task.intent)}</code> · ${task.relabelledBy ? `set by ${e(task.relabelledBy)}` : `${Math.round(task.confidence * 100)}% sure`} · P${task.priority} ${e(task.priorityLabel ?? '')} · ${e(task.status)}</p>
<p class="meta">${e(model.explanation)}</p>
${model.namedDate ? `<p id="named-date">Asked to hear from us again on <strong>${e(model.namedDate.at.toISOString().slice(0, 10))}</strong> ("${e(model.namedDate.phrase)}")</p>` : ''}
<p class="meta">Sender authentication: <span id="sender-authentication">${e(model.authentication)}</span></p>
${actionForm(id, 'relabel', csrf, `<select name="intent" aria-label="Intent">${intentOptions}</select><button type="submit" class="secondary" id="relabel">Relabel</button>`)}
</div></div></div>`,
    { viewer, csrf },
  );
}

/**
 * The server-side "are you sure?" step (works without JavaScript): the action's own form again,
 * with its fields and `confirmed=yes`, or a way back to the task.
 */
export function confirmPage(model: {
  taskId: string;
  action: string;
  question: string;
  fields: ReadonlyArray<[string, string]>;
  viewer: Viewer;
  csrf: string;
}): string {
  const back = `/tasks/${encodeURIComponent(model.taskId)}`;
  return yesFirstPage({ ...model, postTo: `${back}/${model.action}`, back });
}

/** The yes-first page of a bulk close: the same form again, with `confirmed`. */
export function bulkConfirmPage(model: {
  question: string;
  fields: ReadonlyArray<[string, string]>;
  back: string;
  viewer: Viewer;
  csrf: string;
}): string {
  return yesFirstPage({ ...model, postTo: '/tasks/bulk' });
}

/** Asks a question and posts the form's fields again with `confirmed` (works without JavaScript). */
function yesFirstPage(model: {
  question: string;
  postTo: string;
  back: string;
  fields: ReadonlyArray<[string, string]>;
  viewer: Viewer;
  csrf: string;
}): string {
  const hidden = model.fields.map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`).join('');
  return layout(
    'Confirm',
    `<div class="card"><h1>Confirm</h1>
<p id="confirm-question">${e(model.question)}</p>
<form method="post" action="${e(model.postTo)}">${csrfField(model.csrf)}${hidden}<input type="hidden" name="confirmed" value="yes">
<button type="submit" id="confirm">Yes, go ahead</button> <a href="${e(model.back)}" id="cancel">Cancel</a>
</form></div>`,
    { viewer: model.viewer, csrf: model.csrf },
  );
}
