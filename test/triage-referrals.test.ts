import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { contactStore } from '../src/db/index.ts';
import { freePort } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { suppressContact } from '../src/optout/index.ts';
import { addRep } from '../src/reps/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { runCli } from './support/worker-process.ts';
import { CHROMIUM, launchChromium } from './support/browser.ts';
const PASSWORD = 'triage test password 123';
const REP = 'rita@parley.test';

// Issue 16, items 2 and 3, end to end: a running worker sends step 1 for real, answers land in
// Dovecot, and what a rep sees (Chromium, the CLI) and what happens to enrollments follow.
describe('triage tasks and referrals, through the real mailbox', () => {
  let services: TestServices;
  let worker: Worker;
  let browser: Browser;
  let page: Page;

  /** Enrolls a lead in a sequence and waits until step 1 is sent and recorded. */
  async function firstEmailTo(sequenceId: string, email: string, firstName: string) {
    const sequence = worker.getSequence(sequenceId);
    assert.ok(sequence, `sequence ${sequenceId} loaded`);
    await enrollContacts(worker.database, sequence, [{ email, firstName }]);
    const sent = await eventually(`step 1 to ${email}`, async () => services.sink.received.find((m) => m.envelopeTo[0] === email));
    const enrollment = await eventually(`step 1 recorded for ${email}`, async () => {
      const e = await worker.database.enrollments.findOne({ email, sequenceId });
      return e?.passedStepIds.length ? e : undefined;
    });
    return { sent, enrollment, messageId: sent.parsed.messageId ?? '' };
  }
  const handled = (messageId: string) =>
    eventually(`reply ${messageId} handled`, async () => {
      const reply = await worker.database.replies.findOne({ messageId });
      return reply && reply.state !== 'received' ? reply : undefined;
    });
  const deliver = (options: { from: string; messageId: string; body: string; thread?: string; headers?: Record<string, string> }) =>
    services.mailbox.deliver(
      replyMessage({
        from: options.from,
        to: 'dana@parley.test',
        subject: options.thread ? 'Re: Quick question about your team' : 'Your note to Marco',
        messageId: options.messageId,
        inReplyTo: options.thread,
        references: options.thread ? [options.thread] : [],
        body: options.body,
        extraHeaders: options.headers ?? {},
      }),
    );
  async function logIn() {
    const base = worker.webUrl;
    assert.ok(base);
    await page.goto(`${base}/login`);
    if (!page.url().endsWith('/login')) return base;
    await page.fill('#email', REP);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    return base;
  }

  beforeAll(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`npm run setup\` (installs Debian's chromium package)`);
    services = await startTestServices();
    worker = await startWorker({
      config: services.config({
        SEQUENCES_DIR: 'test/fixtures/referrals',
        WEB_HOST: '127.0.0.1',
        WEB_PORT: String(await freePort()),
        SESSION_SECRET: 'triage-test-session-secret-0123456789abc',
        IMAP_POLL_INTERVAL_MS: '1000',
      }),
      logger: silentLogger(),
    });
    await addRep(worker.database, { email: REP, name: 'Rita Rep', role: 'admin', password: PASSWORD });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await services?.stop();
  });

  it("a referral reply puts the referred person's name, address and role on the task, and a rep can write to her", async () => {
    const marco = await firstEmailTo('hand-over', 'marco@lead.example', 'Marco');
    await deliver({
      from: 'Marco Rossi <marco@lead.example>',
      messageId: '<marco-1@lead.example>',
      thread: marco.messageId,
      body: 'Thanks Dana, but this is not my area. Please talk to Priya Shah (priya@lead.example), she runs our sales operations.',
    });
    const reply = await handled('<marco-1@lead.example>');
    assert.equal(reply.intent, 'wrong_person', reply.explanation);
    const task = await worker.database.tasks.findOne({ replyId: reply._id });
    assert.deepEqual(
      [task?.referral?.name, task?.referral?.email, task?.referral?.role],
      ['Priya Shah', 'priya@lead.example', 'runs our sales operations'],
    );
    // hand_to_rep: the owner gets it, the referrer's sequence waits.
    assert.deepEqual([task?.outcome, task?.assignee], ['referral_to_rep', 'owner@parley.test']);
    assert.equal((await worker.database.enrollments.findOne({ _id: marco.enrollment._id }))?.status, 'paused');

    const base = await logIn();
    await page.goto(`${base}/tasks/${encodeURIComponent(task?._id ?? '')}`);
    assert.equal(await page.textContent('#referral-name'), 'Priya Shah');
    assert.equal(await page.getAttribute('#referral-email', 'href'), 'mailto:priya@lead.example');
    assert.equal(await page.textContent('#referral-role'), 'runs our sales operations');
  });

  it('the referred colleague, who has no enrollment, writes asking for a meeting: a triage task a rep sees and attaches', async () => {
    await deliver({
      from: 'Priya Shah <priya@lead.example>',
      messageId: '<priya-1@lead.example>',
      body: 'Hi Dana, Marco passed me your note. Could we set up a meeting next week to go through it?',
    });
    const first = await handled('<priya-1@lead.example>');
    assert.equal(first.state, 'unmatched');
    assert.equal(first.intent, 'meeting_request');
    const task = await eventually(
      'a triage task',
      async () => (await worker.database.tasks.findOne({ 'triage.sender': 'priya@lead.example' })) ?? undefined,
    );
    assert.equal(first.triageTaskId, task._id);
    assert.deepEqual([task.priority, task.status, task.outcome, task.email], [1, 'open', 'triage', 'priya@lead.example']);
    assert.deepEqual([task.triage?.suggestion?.reason, task.triage?.suggestion?.email], ['referred_by', 'marco@lead.example']);
    // Nothing about anyone's conversation changed: no contact for her, no enrollment.
    assert.equal(await worker.database.contacts.countDocuments({ email: 'priya@lead.example' }), 0);

    // A second message from her joins the same task: one open triage task per sender.
    await deliver({
      from: 'priya@lead.example',
      messageId: '<priya-2@lead.example>',
      body: 'One more thing: Thursday afternoon works best for me.',
    });
    await handled('<priya-2@lead.example>');
    const joined = await eventually('the second message joined', async () => {
      const t = await worker.database.tasks.findOne({ _id: task._id });
      return t?.triage?.messages === 2 ? t : undefined;
    });
    assert.deepEqual(joined.triage?.replyIds, ['mid:<priya-1@lead.example>', 'mid:<priya-2@lead.example>']);
    assert.equal(await worker.database.tasks.countDocuments({ 'triage.sender': 'priya@lead.example' }), 1);

    // The rep sees it in the queue, labelled, opens it, reads both messages and attaches it.
    const base = await logIn();
    await page.goto(`${base}/`);
    const row = page.locator(`tr[data-task-id="${task._id}"]`);
    assert.equal(await row.locator('.tag.triage').textContent(), 'triage');
    await row.locator('a').click();
    await page.waitForSelector('#triage-notice');
    assert.match((await page.textContent('#triage-notice')) ?? '', /priya@lead\.example wrote 2 messages/);
    assert.match((await page.textContent('#triage-suggestion')) ?? '', /marco@lead\.example.*referred priya@lead\.example to us/s);
    const thread = (await page.locator('.entry').allTextContents()).join('\n');
    assert.match(thread, /set up a meeting next week/);
    assert.match(thread, /Thursday afternoon/);
    await page.screenshot({ path: 'docs/screenshots/triage-task.png', fullPage: true });

    // Until a rep says whose it is, nothing acts on a contact or an enrollment.
    assert.equal(await page.locator('#send-reply').count(), 0);
    await Promise.all([page.waitForURL(/notice=invalid/), page.click('button[data-outcome="qualified"]')]);
    assert.equal((await worker.database.tasks.findOne({ _id: task._id }))?.status, 'open');

    await page.fill('#triage-contact', 'priya@lead.example');
    await page.fill('#triage-enrollment', '');
    await Promise.all([page.waitForURL(/notice=attach/), page.click('#triage-attach')]);
    assert.equal(await page.textContent('#triage-attached'), 'priya@lead.example');
    const contact = await worker.database.contacts.findOne({ email: 'priya@lead.example' });
    assert.ok(contact, 'attaching to a new address creates the contact');
    const attached = await worker.database.tasks.findOne({ _id: task._id });
    assert.deepEqual([attached?.contactId, attached?.triage?.attached?.by], [contact._id, REP]);
    const replies = await worker.database.replies.find({ _id: { $in: attached?.triage?.replyIds ?? [] } }).toArray();
    assert.deepEqual(
      replies.map((r) => r.contactId),
      [contact._id, contact._id],
    );
  });

  it('a triage task can be dismissed from the CLI; the next message from that sender opens a new one', async () => {
    await deliver({
      from: 'stray@elsewhere.example',
      messageId: '<stray-1@elsewhere.example>',
      body: 'Is this the right address for invoices?',
    });
    await handled('<stray-1@elsewhere.example>');
    const task = await eventually(
      'a triage task',
      async () => (await worker.database.tasks.findOne({ 'triage.sender': 'stray@elsewhere.example' })) ?? undefined,
    );
    const env = services.env({ SEQUENCES_DIR: 'test/fixtures/referrals' });
    const listed = await runCli(['tasks', 'list'], env);
    assert.match(listed, new RegExp(`${task._id.replace(/[.+]/g, '\\$&')}.*stray@elsewhere\\.example.*TRIAGE`));
    const shown = await runCli(['tasks', 'show', task._id], env);
    assert.match(shown, /TRIAGE: stray@elsewhere\.example wrote 1 message\(s\) from an address with no enrollment/);
    assert.match(shown, /Is this the right address for invoices\?/);
    await runCli(['tasks', 'dismiss', task._id, '--reason', 'not a lead', '--as', REP], env);
    const dismissed = await worker.database.tasks.findOne({ _id: task._id });
    assert.deepEqual([dismissed?.status, dismissed?.triage?.dismissed?.reason], ['done', 'not a lead']);

    await deliver({ from: 'stray@elsewhere.example', messageId: '<stray-2@elsewhere.example>', body: 'Hello again, anyone there?' });
    await handled('<stray-2@elsewhere.example>');
    const next = await eventually('a second triage task', async () => {
      const all = await worker.database.tasks.find({ 'triage.sender': 'stray@elsewhere.example' }).toArray();
      return all.length === 2 ? all : undefined;
    });
    assert.deepEqual(next.map((t) => t.status).sort(), ['done', 'open']);
  });

  it('automatic mail and list mail from unknown addresses are recorded, and make no triage task', async () => {
    await deliver({
      from: 'noreply@vendor.example',
      messageId: '<auto-1@vendor.example>',
      body: 'Thank you for your message. This mailbox is not monitored.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await deliver({
      from: 'someone@list.example',
      messageId: '<list-1@list.example>',
      body: 'Could we set up a meeting next week to go through it?',
      headers: { 'List-Id': 'Sales chat <sales.list.example>' },
    });
    // The control: a person writing from the same domain at the same time does get one.
    await deliver({ from: 'buyer@vendor.example', messageId: '<human-1@vendor.example>', body: 'Do you have pricing for a team of five?' });
    const human = await handled('<human-1@vendor.example>');
    assert.ok(human.triageTaskId, 'a person gets a triage task');
    for (const id of ['<auto-1@vendor.example>', '<list-1@list.example>']) {
      const reply = await handled(id);
      assert.equal(reply.state, 'unmatched');
      assert.equal(reply.triageTaskId, undefined);
    }
    assert.equal(
      await worker.database.tasks.countDocuments({ 'triage.sender': { $in: ['noreply@vendor.example', 'someone@list.example'] } }),
      0,
    );
  });

  it("referral: enroll_referred enrolls the referred person in the named sequence, the referrer's name in her first email, and stops the referrer", async () => {
    const ada = await firstEmailTo('referrals', 'ada@first.example', 'Ada');
    await deliver({
      from: 'Ada <ada@first.example>',
      messageId: '<ada-1@first.example>',
      thread: ada.messageId,
      body: 'Not the right person for this, sorry. Please talk to Priya Raman (priya.r@other.example), our head of operations.',
    });
    const reply = await handled('<ada-1@first.example>');
    assert.equal(reply.outcome, 'enroll_referred');
    const intro = await eventually('the intro to the referred person', async () =>
      services.sink.received.find((m) => m.envelopeTo[0] === 'priya.r@other.example'),
    );
    assert.equal(intro.parsed.subject, 'Ada suggested I write');
    assert.match(intro.parsed.text ?? '', /Hi Priya,\s+Ada said you are the right person/);
    const enrollment = await worker.database.enrollments.findOne({ email: 'priya.r@other.example' });
    assert.deepEqual([enrollment?.sequenceId, enrollment?.source?.kind], ['referral-intro', 'referral']);
    assert.equal((await worker.database.enrollments.findOne({ _id: ada.enrollment._id }))?.status, 'stopped');
    // Enrolled: nothing left for a person to do.
    assert.equal(await worker.database.tasks.countDocuments({ replyId: reply._id }), 0);
  });

  it('a stranger writing in the thread cannot get anyone enrolled; a suppressed referred person is never enrolled', async () => {
    const lee = await firstEmailTo('referrals', 'lee@first.example', 'Lee');
    await deliver({
      from: 'mallory@evil.example',
      messageId: '<mallory-1@evil.example>',
      thread: lee.messageId,
      body: 'Not the right person for this, sorry. Please talk to Victor Target (victim@target.example), our head of operations.',
    });
    const held = await handled('<mallory-1@evil.example>');
    assert.equal(held.outcome, 'sender_review');
    assert.equal(await worker.database.enrollments.countDocuments({ email: 'victim@target.example' }), 0);
    assert.equal((await worker.database.enrollments.findOne({ _id: lee.enrollment._id }))?.status, 'active');

    const sam = await contactStore(worker.database).upsert({ email: 'sam@first.example' }, new Date());
    await suppressContact(worker.database, sam._id, { reason: 'unsubscribe', source: 'reply', now: new Date() });
    const bo = await firstEmailTo('referrals', 'bo@first.example', 'Bo');
    await deliver({
      from: 'bo@first.example',
      messageId: '<bo-1@first.example>',
      thread: bo.messageId,
      body: 'Wrong person, sorry. Please talk to Sam (sam@first.example).',
    });
    const reply = await handled('<bo-1@first.example>');
    assert.equal(reply.outcome, 'referral_to_rep');
    assert.equal(await worker.database.enrollments.countDocuments({ email: 'sam@first.example' }), 0);
    const task = await worker.database.tasks.findOne({ replyId: reply._id });
    assert.match(task?.referral?.action ?? '', /not enrolled: sam@first\.example is suppressed/);
    assert.equal((await worker.database.enrollments.findOne({ _id: bo.enrollment._id }))?.status, 'stopped');
  });
});
