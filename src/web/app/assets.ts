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
.counts{display:flex;gap:10px;margin:0 0 12px;padding:0;list-style:none}
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

  var body = document.getElementById('task-rows');
  if (!body) return;

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }
  function tag(td, text, className) {
    var span = document.createElement('span');
    span.className = 'tag ' + className;
    span.textContent = text;
    td.appendChild(document.createTextNode(' '));
    td.appendChild(span);
  }
  function render(data) {
    var rows = document.createDocumentFragment();
    data.tasks.forEach(function (t) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-task-id', t.id);
      var due = cell(tr, t.dueAt ? new Date(t.dueAt).toLocaleString() : '');
      if (t.overdue) tag(due, 'overdue', 'overdue');
      if (t.escalated) tag(due, 'escalated', 'escalated');
      if (t.senderHeld) tag(due, 'check sender', 'sender');
      if (t.triage) tag(due, 'triage', 'triage');
      var who = document.createElement('td');
      var link = document.createElement('a');
      link.href = '/tasks/' + encodeURIComponent(t.id);
      link.textContent = t.email;
      who.appendChild(link);
      tr.appendChild(who);
      cell(tr, t.intent);
      cell(tr, Math.round(t.confidence * 100) + '%');
      cell(tr, String(t.priority));
      cell(tr, t.assignee || '');
      cell(tr, t.status);
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
    Object.keys(data.counts).forEach(function (state) {
      var el = document.getElementById('count-' + state);
      if (el) el.textContent = String(data.counts[state]);
    });
  }
  function poll() {
    fetch('/api/tasks' + window.location.search, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401) { window.location.assign('/login'); return undefined; }
        return response.ok ? response.json() : undefined;
      })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
})();
`;
