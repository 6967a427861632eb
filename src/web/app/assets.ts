/**
 * The rep app's stylesheet and script, served as files under /static/ so the Content-Security-
 * Policy can allow `script-src 'self'` and `style-src 'self'` and forbid every inline script and
 * style. Kept as strings in a module so `npm run build` ships them with the code.
 *
 * The script never parses HTML: rows are built with createElement and textContent, so a subject
 * like `<img src=x onerror=...>` stays text.
 */

export const APP_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f6f6f4;color:#222;font:15px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
header{display:flex;gap:16px;align-items:center;padding:10px 20px;background:#222;color:#fff}
header a{color:#fff;text-decoration:none;font-weight:600}
header form{margin-left:auto}
main{max-width:72rem;margin:0 auto;padding:20px}
h1{font-size:1.3rem;margin:0 0 12px}h2{font-size:1.05rem;margin:20px 0 8px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e2e2de}
th,td{text-align:left;padding:7px 9px;border-bottom:1px solid #eee;vertical-align:top}
th{font-size:.85rem;color:#555;background:#fafaf8}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 12px;padding:0;list-style:none}
.counts li{background:#fff;border:1px solid #e2e2de;border-radius:6px;padding:4px 10px}
.filters{display:flex;gap:10px;align-items:end;margin:0 0 14px;flex-wrap:wrap}
.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:.8rem;font-weight:600}
.overdue{background:#fde2e1;color:#9b1c1c}.escalated{background:#fff0c2;color:#7a5200}.tag.sender{background:#e9d8fd;color:#44337a}.tag.triage{background:#d6ecff;color:#1a4f80}
.card{background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:14px 18px;margin:0 0 14px}
.entry{border-left:3px solid #ccc;padding:4px 12px;margin:0 0 12px}
.entry.reply{border-color:#2b6cb0}.entry.rep_answer{border-color:#2f855a}
.meta{color:#666;font-size:.85rem}
pre{white-space:pre-wrap;word-wrap:break-word;font:inherit;margin:6px 0}
.grid{display:grid;grid-template-columns:2fr 1fr;gap:16px}
.notice{background:#fde2e1;border:1px solid #f5b5b3;border-radius:6px;padding:8px 12px;margin:0 0 14px}
.ok{background:#e3f4e8;border-color:#a9dcb8}
button{font:inherit;padding:5px 12px;border:1px solid #222;border-radius:6px;background:#222;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#222}
textarea{width:100%;min-height:9rem;font:inherit}
form.inline{display:inline-flex;gap:6px;align-items:center;margin:0 6px 6px 0}
label{font-size:.85rem;color:#444}
.login{max-width:22rem;margin:60px auto}
.login input{width:100%;padding:6px;margin:2px 0 10px;font:inherit}
header a+a{font-weight:400}
th.num,td.num{text-align:right;white-space:nowrap}
table.stats{font-size:.88rem;margin:0 0 8px}table.stats th,table.stats td{padding:6px 7px}table.stats td:first-child{white-space:nowrap}
.stats-charts h2,.stats-sequence h2{margin-top:2px}table.stats tr.total td{font-weight:600;border-top:2px solid #ccc}
td.warn{color:#9b1c1c;font-weight:600}
.scroll{overflow-x:auto}
.stats-charts{display:grid;grid-template-columns:3fr 2fr;gap:16px}
svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}
.chart-label{font-size:12px;fill:#333}.chart-value{font-size:10px;fill:#555}.chart-axis{font-size:10px;fill:#777}.chart-rule{stroke:#bbb;stroke-width:1}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:2px 0 6px;padding:0;list-style:none;font-size:.8rem;color:#444}
.legend svg{margin-right:5px;vertical-align:-1px}
.s-sent{fill:#b8c4d6}.s-delivered{fill:#5b7db1}.s-replied{fill:#2f855a}.bar-response{fill:#5b7db1}
.i-meeting-request{fill:#1f6b45}.i-interested{fill:#48a374}.i-question{fill:#4a7fc1}.i-not-now{fill:#e0a526}
.i-wrong-person{fill:#8e6bbf}.i-not-interested{fill:#9a9a92}.i-unsubscribe{fill:#c24b45}.i-unclear{fill:#cfcfc8}.i-other{fill:#6b6b66}
@media (max-width:900px){.stats-charts{grid-template-columns:1fr}}
.views{display:flex;gap:4px;margin:0 0 10px;flex-wrap:wrap}
.views a{padding:4px 12px;border:1px solid #ccc;border-radius:16px;color:#222;text-decoration:none;background:#fff}
.views a[aria-current=page]{background:#222;color:#fff;border-color:#222}
.filters .search input{min-width:16rem;padding:4px 6px;font:inherit}
.bulk{display:flex;gap:10px;align-items:end;margin:0 0 10px;flex-wrap:wrap}
table.inbox td{font-size:.92rem}
table.inbox td.pick,table.inbox th.pick{width:2rem}
table.inbox td.who a{color:#222;text-decoration:none}
table.inbox td.who .address{color:#2b6cb0}
table.inbox .company{color:#555;font-size:.85rem}
table.inbox td.snippet{color:#333;max-width:28rem}
table.inbox td.due{white-space:nowrap}
table.inbox td.due.overdue{color:#b42318;font-weight:600}
table.inbox tr.focused{outline:2px solid #2b6cb0;outline-offset:-2px;background:#f0f6ff}
kbd{border:1px solid #bbb;border-bottom-width:2px;border-radius:4px;padding:0 5px;font:.85rem ui-monospace,monospace;background:#fff}
.overlay{position:fixed;inset:0;background:rgba(0,0,0,.35);display:flex;align-items:center;justify-content:center;z-index:10}
.overlay[hidden]{display:none}
.overlay .card{max-width:28rem;width:90%}
.overlay table{border:0}
@media (max-width:640px){
header{flex-wrap:wrap;gap:8px 12px;padding:8px 12px}
header span{font-size:.8rem}
main{padding:12px}
.filters select,.bulk select{max-width:100%}
.filters .search,.filters .search input{width:100%;min-width:0}
table.inbox,table.inbox tbody,table.inbox tr,table.inbox td{display:block;width:100%}
table.inbox thead{display:none}
table.inbox{border:0;background:transparent}
table.inbox tr{position:relative;background:#fff;border:1px solid #e2e2de;border-radius:8px;margin:0 0 10px;padding:8px 10px 8px 40px}
table.inbox td{border:0;padding:2px 0;max-width:none}
table.inbox td.pick{position:absolute;left:10px;top:10px;width:auto}
table.inbox td.seq{color:#666;font-size:.8rem}
table.inbox td.snippet{overflow-wrap:anywhere}
.scroll{overflow-x:visible}
}
`;

export const APP_JS = `'use strict';
(function () {

  // Saved snippets: a button inserts its text at the cursor in the reply box (replacing only a
  // selection), so nothing the rep typed is lost. Text only: the value, never HTML.
  document.querySelectorAll('button[data-snippet]').forEach(function (button) {
    button.addEventListener('click', function () {
      var box = document.getElementById('reply-text');
      if (!box) return;
      var snippet = button.getAttribute('data-snippet') || '';
      var start = typeof box.selectionStart === 'number' ? box.selectionStart : box.value.length;
      var end = typeof box.selectionEnd === 'number' ? box.selectionEnd : start;
      box.setRangeText(snippet, start, end, 'end');
      box.focus();
    });
  });

  // The task page opened with r from the inbox: the cursor goes to the answer.
  if (window.location.hash === '#reply') {
    var answer = document.getElementById('reply-text');
    if (answer) answer.focus();
  }

  var body = document.getElementById('task-rows');
  if (!body) return;
  var bulk = document.getElementById('bulk');
  var bulkAction = document.getElementById('bulk-action');
  var selectedCount = document.getElementById('selected-count');
  var selectAll = document.getElementById('select-all');
  var help = document.getElementById('shortcuts');
  var empty = document.getElementById('empty');
  var focusedId = null;

  function rows() { return Array.prototype.slice.call(body.querySelectorAll('tr[data-task-id]')); }
  function checkboxOf(tr) { return tr.querySelector('input[name=ids]'); }
  function countSelected() {
    var n = rows().filter(function (tr) { var box = checkboxOf(tr); return box && box.checked; }).length;
    if (selectedCount) selectedCount.textContent = n === 0 ? 'none selected' : n + ' selected';
    return n;
  }
  function focusRow(tr) {
    rows().forEach(function (other) { other.classList.remove('focused'); other.removeAttribute('aria-selected'); });
    if (!tr) { focusedId = null; return; }
    tr.classList.add('focused');
    tr.setAttribute('aria-selected', 'true');
    focusedId = tr.getAttribute('data-task-id');
    tr.scrollIntoView({ block: 'nearest' });
  }
  function focused() {
    return rows().filter(function (tr) { return tr.getAttribute('data-task-id') === focusedId; })[0];
  }

  // Rows are built with createElement and textContent, never from HTML (see the top of this file);
  // they read as the server's rows (taskRowHtml in pages.ts), which the browser test compares.
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function tag(td, text, className) {
    td.appendChild(document.createTextNode(' '));
    td.appendChild(el('span', 'tag ' + className, text));
  }
  function row(t, checked) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-task-id', t.id);
    if (t.overdue) tr.className = 'late';
    var pick = el('td', 'pick');
    var box = document.createElement('input');
    box.type = 'checkbox'; box.name = 'ids'; box.value = t.id; box.setAttribute('form', 'bulk'); box.setAttribute('aria-label', 'Select');
    box.checked = checked;
    pick.appendChild(box);
    tr.appendChild(pick);
    var who = el('td', 'who');
    var link = el('a');
    link.href = '/tasks/' + encodeURIComponent(t.id);
    if (t.name) {
      link.appendChild(el('strong', '', t.name));
      if (t.company) { link.appendChild(document.createTextNode(' ')); link.appendChild(el('span', 'company', t.company)); }
      link.appendChild(document.createElement('br'));
    }
    link.appendChild(el('span', 'address', t.email));
    who.appendChild(link);
    if (t.escalated) tag(who, 'escalated', 'escalated');
    if (t.senderHeld) tag(who, 'check sender', 'sender');
    if (t.triage) tag(who, 'triage', 'triage');
    tr.appendChild(who);
    tr.appendChild(el('td', 'snippet', t.snippet || ''));
    tr.appendChild(el('td', 'seq', t.sequenceId || (t.triage ? 'no sequence yet' : '')));
    var intent = el('td', 'intent');
    intent.appendChild(el('span', 'intent-label', t.intentLabel || t.intent));
    intent.appendChild(document.createElement('br'));
    intent.appendChild(el('span', 'meta', t.relabelledBy ? 'set by ' + t.relabelledBy : Math.round(t.confidence * 100) + '% sure'));
    tr.appendChild(intent);
    var due = el('td', 'due' + (t.overdue ? ' overdue' : ''), t.dueLabel || '');
    if (t.dueAt) due.title = new Date(t.dueAt).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    due.appendChild(document.createElement('br'));
    due.appendChild(el('span', 'meta', 'P' + t.priority + ' ' + (t.priorityLabel || '')));
    tr.appendChild(due);
    var assignee = el('td', 'assignee', t.claimedBy || t.assignee || 'unassigned');
    if (t.claimedBy) { assignee.appendChild(document.createTextNode(' ')); assignee.appendChild(el('span', 'meta', '(working on it)')); }
    tr.appendChild(assignee);
    return tr;
  }
  function render(data) {
    var checked = {};
    rows().forEach(function (tr) { var box = checkboxOf(tr); if (box && box.checked) checked[box.value] = true; });
    var fragment = document.createDocumentFragment();
    data.tasks.forEach(function (t) { fragment.appendChild(row(t, checked[t.id] === true)); });
    body.replaceChildren(fragment);
    if (empty) empty.hidden = data.tasks.length > 0;
    Object.keys(data.counts).forEach(function (state) {
      var count = document.getElementById('count-' + state);
      if (count) count.textContent = String(data.counts[state]);
    });
    focusRow(focused() || null);
    countSelected();
  }

  // The rows again, for this page's filters: after every change the server announces.
  var loading = false, again = false;
  function reload() {
    if (loading) { again = true; return; }
    loading = true;
    fetch('/api/tasks' + window.location.search, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401) { window.location.assign('/login'); return undefined; }
        return response.ok ? response.json() : undefined;
      })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* offline for a moment: the next event or the minute tick reloads */ })
      .then(function () { loading = false; if (again) { again = false; reload(); } });
  }
  // Server push (Server-Sent Events): the server says when the queue changed. The browser opens
  // the stream again by itself when it drops; each (re)opening reloads, so nothing is missed.
  if (window.EventSource) {
    var events = new EventSource('/api/tasks/events');
    events.addEventListener('tasks', reload);
    events.addEventListener('open', reload);
  }
  // Due times ("due in 12 min") move with the clock even when nothing else changes.
  window.setInterval(reload, 60000);

  body.addEventListener('change', countSelected);
  if (selectAll) selectAll.addEventListener('change', function () {
    rows().forEach(function (tr) { var box = checkboxOf(tr); if (box) box.checked = selectAll.checked; });
    countSelected();
  });
  function submitBulk(action) {
    if (!bulk || !bulkAction) return;
    if (countSelected() === 0) {
      var tr = focused();
      if (!tr) return;
      checkboxOf(tr).checked = true;
    }
    bulkAction.value = action;
    bulk.submit();
  }
  function openFocused(hash) {
    var tr = focused();
    if (tr) window.location.assign(tr.querySelector('a').getAttribute('href') + (hash || ''));
  }
  function move(step) {
    var all = rows();
    if (all.length === 0) return;
    var at = all.indexOf(focused());
    focusRow(all[at === -1 ? 0 : Math.max(0, Math.min(all.length - 1, at + step))]);
  }
  function toggleHelp(show) { if (help) help.hidden = !show; }
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable);
    if (event.key === 'Escape') { toggleHelp(false); if (typing) target.blur(); return; }
    if (typing) return;
    var actions = {
      'j': function () { move(1); },
      'k': function () { move(-1); },
      'o': function () { openFocused(''); },
      'Enter': function () { openFocused(''); },
      'r': function () { openFocused('#reply'); },
      'x': function () { var tr = focused(); if (tr) { var box = checkboxOf(tr); box.checked = !box.checked; countSelected(); } },
      'a': function () { submitBulk('assign:me'); },
      'e': function () { submitBulk('close'); },
      '/': function () { var search = document.getElementById('search'); if (search) search.focus(); },
      '?': function () { toggleHelp(help ? help.hidden : false); }
    };
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  if (help) help.addEventListener('click', function (event) { if (event.target === help) toggleHelp(false); });
  countSelected();
})();
`;
