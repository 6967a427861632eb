import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { taskPage, taskRowHtml, type TaskPageModel, type TaskRow } from './pages.ts';

const row: TaskRow = {
  id: 'reply:mid:<x@stranger.example>',
  email: 'lee@lead.example',
  intent: 'unsubscribe',
  confidence: 0.9,
  priority: 2,
  status: 'open',
  dueAt: new Date('2026-12-05T12:00:00Z'),
  assignee: undefined,
  claimedBy: undefined,
  overdue: false,
  escalated: false,
  senderHeld: true,
};

const model = (over: Partial<TaskPageModel>): TaskPageModel => ({
  task: row,
  explanation: 'opt-out wording',
  senderConcern: undefined,
  authentication: 'unknown (no trusted Authentication-Results header)',
  contact: { email: 'lee@lead.example', name: '', company: undefined, signals: [] },
  enrollment: undefined,
  thread: [],
  events: [],
  sequences: [],
  intents: ['unsubscribe'],
  snippets: [],
  notice: undefined,
  ...over,
});
const viewer = { email: 'rep@parley.test', name: 'Rep', role: 'rep' };

describe('the task page shows who sent the reply', () => {
  it('marks a held reply and shows the verdict, escaped', () => {
    const html = taskPage(
      model({
        senderConcern: `sender does not match the contact: "<img src=x onerror=alert(1)>"@stranger.example wrote about lee@lead.example's conversation`,
        authentication: 'dmarc=fail (lead.example), dkim: no result, spf: no result per <mx>',
      }),
      viewer,
      'csrf',
    );
    assert.match(
      html,
      /id="sender-concern"[^>]*>sender does not match the contact: &quot;&lt;img src=x onerror=alert\(1\)&gt;&quot;@stranger\.example/,
    );
    assert.match(html, /Nothing was changed automatically/);
    assert.match(html, /id="sender-authentication">dmarc=fail \(lead\.example\), dkim: no result, spf: no result per &lt;mx&gt;</);
    assert.doesNotMatch(html, /<img/);
  });

  it('shows no mark for the contact themselves, and the verdict all the same', () => {
    const html = taskPage(model({}), viewer, 'csrf');
    assert.doesNotMatch(html, /sender-concern/);
    assert.match(html, /Sender authentication: <span id="sender-authentication">unknown/);
  });

  it('tags a held task in the inbox', () => {
    assert.match(taskRowHtml(row), /<span class="tag sender">check sender<\/span>/);
    assert.doesNotMatch(taskRowHtml({ ...row, senderHeld: false }), /check sender/);
  });

  it('shows the date a "not now" reply named, with the words, escaped', () => {
    const html = taskPage(model({ namedDate: { at: new Date('2027-03-01T00:00:00Z'), phrase: 'March <b>' } }), viewer, 'csrf');
    assert.match(html, /id="named-date">Asked to hear from us again on <strong>2027-03-01<\/strong> \("March &lt;b&gt;"\)/);
    assert.doesNotMatch(taskPage(model({}), viewer, 'csrf'), /named-date/);
  });
});
