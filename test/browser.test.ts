import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { freePort } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { suppressContact } from '../src/optout/index.ts';
import { addRep } from '../src/reps/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { replyMessage } from './support/mail.ts';
import { insertStatsHistory } from './support/stats-history.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { CHROMIUM, launchChromium } from './support/browser.ts';
const PASSWORD = 'browser test password 123';
const REP = 'rita@parley.test';

// The whole loop in a real browser (Debian's Chromium, never a downloaded one): a reply lands in
// Dovecot, the real worker queues a task, the open inbox shows it without a reload, the rep
// answers and decides, and the answer reaches the SMTP sink in the lead's thread.
describe('rep app in a browser', () => {
  let services: TestServices;
  let worker: Worker;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`npm run setup\` (installs Debian's chromium package)`);
    services = await startTestServices();
    const config = services.config({
      WEB_HOST: '127.0.0.1',
      WEB_PORT: String(await freePort()),
      SESSION_SECRET: 'browser-test-session-secret-0123456789abc',
      SEQUENCES_DIR: 'test/fixtures/sequences',
      IMAP_POLL_INTERVAL_MS: '1000',
    });
    worker = await startWorker({ config, logger: silentLogger() });
    await addRep(worker.database, { email: REP, name: 'Rita Rep', role: 'admin', password: PASSWORD });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await services?.stop();
  });

  it('shows a new reply in the open inbox, and the rep answers it in the thread', async () => {
    const base = worker.webUrl;
    assert.ok(base);
    await page.goto(`${base}/login`);
    await page.fill('#email', REP);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    assert.equal(await page.locator('tr[data-task-id]').count(), 0);
    // WEB_SECURE_COOKIES defaults to true: Chromium keeps Secure, __Host- cookies on plain http://127.0.0.1 (a secure context).
    const cookies = await page.context().cookies();
    assert.deepEqual(cookies.map((c) => [c.name, c.secure, c.path]).sort(), [
      ['__Host-parley_csrf', true, '/'],
      ['__Host-parley_device', true, '/'],
      ['__Host-parley_session', true, '/'],
    ]);

    const sequence = worker.getSequence('quick-follow-up');
    assert.ok(sequence);
    const [enrolled] = await enrollContacts(worker.database, sequence, [
      { email: 'pat@lead.example', firstName: 'Pat', company: 'Lead Co' },
    ]);
    assert.equal(enrolled?.outcome, 'enrolled');
    const [step1] = await services.sink.waitFor(1, 20_000);
    assert.ok(step1?.parsed.messageId);

    const replyId = '<pat-answer-1@lead.example>';
    const delivered = Date.now();
    await services.mailbox.deliver(
      replyMessage({
        from: 'Pat Lead <pat@lead.example>',
        to: sequence.sender.address,
        subject: `Re: ${step1.parsed.subject ?? ''}`,
        body: 'How much does it cost for a team of 12? Can you send me the pricing?',
        messageId: replyId,
        inReplyTo: step1.parsed.messageId,
        references: [step1.parsed.messageId],
      }),
    );
    const row = page.locator('tr[data-task-id]').first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    console.log(`# reply-to-inbox latency: ${Date.now() - delivered} ms`);
    await page.screenshot({ path: 'docs/screenshots/inbox.png', fullPage: true });

    await Promise.all([page.waitForURL(/\/tasks\//), row.locator('a').click()]);
    assert.match(await page.locator('.entry.reply').innerText(), /team of 12/);

    await page.selectOption('select[name=intent]', 'interested');
    await Promise.all([page.waitForURL(/notice=relabel/), page.click('#relabel')]);
    assert.equal(await page.locator('#intent').innerText(), 'interested');
    await Promise.all([page.waitForURL(/notice=claim/), page.click('#claim')]);
    await page.click('button[data-snippet]');
    await page.fill('#reply-text', 'Hi Pat, for 12 people it is 400 a month. Shall we talk on Thursday?\n\nRita');
    await Promise.all([page.waitForURL(/notice=reply/), page.click('#send-reply')]);

    const answer = await eventually('the answer at the SMTP sink', async () =>
      services.sink.received.find((m) => m.parsed.inReplyTo === replyId),
    );
    assert.match(answer.parsed.subject ?? '', /^Re: /);
    assert.match(answer.parsed.text ?? '', /400 a month/);

    await Promise.all([page.waitForURL(/notice=outcome/), page.click('button[data-outcome="stop"]')]);
    const enrollment = await worker.database.enrollments.findOne({ _id: enrolled.enrollmentId });
    assert.equal(enrollment?.status, 'stopped');
    assert.equal(await page.locator('#enrollment-status').innerText(), 'stopped');

    const audit = await page.locator('#audit tbody').innerText();
    assert.match(audit, new RegExp(REP.replace('.', '\\.')));
    assert.ok((await page.locator('#audit tbody tr').count()) >= 4, audit);
    await page.screenshot({ path: 'docs/screenshots/task.png', fullPage: true });
  });

  it('shows the stats page with its charts, and the CSP refuses nothing on it', async () => {
    const base = worker.webUrl;
    assert.ok(base);
    await insertStatsHistory(worker.database, {
      sequenceId: 'quick-follow-up',
      stepIds: ['hello', 'nudge'],
      enrollments: 160,
      now: new Date(),
    });
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${base}/stats`);
    if (page.url().endsWith('/login')) {
      await page.fill('#email', REP);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
      await page.goto(`${base}/stats`);
    }
    await page.locator('#intents-chart').waitFor({ state: 'visible' });
    const section = page.locator('section[data-sequence-id="quick-follow-up"]');
    assert.match(await section.locator('tr.total').innerText(), /Total \(people\)\s+1\d\d\s/);
    assert.ok((await page.locator('#intents-chart rect').count()) > 20, 'replies on many days');
    assert.ok((await section.locator('svg.chart rect').count()) >= 6, 'the funnel: three bars per step');
    // Sized by the stylesheet: a chart that the CSP had stripped of its CSS would be unstyled black.
    assert.equal(
      await page.evaluate("getComputedStyle(document.querySelector('#response-chart rect.bar-response')).fill"),
      'rgb(91, 125, 177)',
    );
    await page.screenshot({ path: 'docs/screenshots/stats.png', fullPage: true });
    assert.deepEqual(refused, []);
  });

  it('lets an admin lift a suppression from the header link, with hostile bounce text shown as text', async () => {
    const base = worker.webUrl;
    assert.ok(base);
    const { contacts } = worker.database;
    await contacts.insertOne({ _id: 'c-browser', email: 'sam@lead.example', fields: {}, createdAt: new Date(), updatedAt: new Date() });
    await suppressContact(worker.database, 'c-browser', {
      reason: 'bounce',
      source: 'reply',
      replyId: 'mid:<dsn-browser@mx.example>',
      now: new Date(),
      bounce: { status: '5.1.1', diagnostic: '<img src=x onerror="document.title=\'pwned\'">' },
    });
    await page.goto(`${base}/`);
    if (page.url().endsWith('/login')) {
      await page.fill('#email', REP);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    }
    await Promise.all([page.waitForURL(`${base}/admin/suppressions`), page.click('header a[href="/admin/suppressions"]')]);
    const row = page.locator('#suppressions tr[data-email="sam@lead.example"]');
    assert.match(await row.innerText(), /hard bounce[\s\S]*<img src=x onerror=/);
    assert.equal(await row.locator('img').count(), 0);
    assert.notEqual(await page.title(), 'pwned');

    await row.locator('input[name=reason]').fill('the address works again (checked by phone)');
    await Promise.all([page.waitForURL(/notice=lifted/), row.locator('button[type=submit]').click()]);
    assert.match(await page.locator('.notice').innerText(), /stay stopped/);
    assert.match(await page.locator('#lifts tbody').innerText(), /sam@lead\.example[\s\S]*checked by phone/);
    assert.equal(await page.locator('#suppressions tr[data-email="sam@lead.example"]').count(), 0);
    assert.equal((await contacts.findOne({ _id: 'c-browser' }))?.suppressed, undefined);
  });
});
