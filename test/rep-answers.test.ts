import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import type { AddressObject } from 'mailparser';
import { freePort, type ReceivedMail } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { addRep } from '../src/reps/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { runCli } from './support/worker-process.ts';
import { CHROMIUM, launchChromium } from './support/browser.ts';
const PASSWORD = 'answers test password 123';
const REP = 'rita@parley.test';
const LEAD = 'pat@lead.example';
const MANAGER = 'morgan@lead.example';

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((f) => f.value.map((a) => a.address));

// Issue 16, case 6: a rep's answer dropped the CC'd manager, quoted nothing, went out as
// "Rita <marco@…>" after emails from "Marco Rossi", and `parley tasks reply` wrote its Message-ID
// on @parley.local. Here: Dovecot, the real worker, the SMTP sink, Chromium and the CLI.
describe("a rep's answer is a real reply", () => {
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
      SESSION_SECRET: 'answers-test-session-secret-0123456789abc',
      SEQUENCES_DIR: 'test/fixtures/sequences',
      IMAP_POLL_INTERVAL_MS: '1000',
      MESSAGE_ID_DOMAIN: 'mail.parley.test',
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

  /** The lead writes into the thread, copying their manager; resolves with the task the worker queued. */
  async function leadWrites(messageId: string, inReplyTo: string, body: string, cc: string): Promise<string> {
    await services.mailbox.deliver(
      replyMessage({
        from: `Pat Lead <${LEAD}>`,
        to: 'Dana from Parley <dana@parley.test>',
        subject: 'Re: Quick question',
        body,
        messageId,
        inReplyTo,
        references: [inReplyTo],
        extraHeaders: { Cc: cc },
      }),
    );
    const task = await eventually(
      'the task for the reply',
      async () => (await worker.database.tasks.findOne({ replyId: `mid:${messageId}` })) ?? undefined,
      30_000,
    );
    return task._id;
  }

  const answerTo = (messageId: string) =>
    eventually('the answer at the SMTP sink', async () => services.sink.received.find((m) => m.parsed.inReplyTo === messageId), 20_000);

  let webAnswer: ReceivedMail;

  it('from the web app: reply-all with the CC list editable, the thread name, the quote and the configured Message-ID domain', async () => {
    const sequence = worker.getSequence('quick-follow-up');
    assert.ok(sequence);
    await enrollContacts(worker.database, sequence, [{ email: LEAD, firstName: 'Pat' }]);
    const [step1] = await services.sink.waitFor(1, 20_000);
    assert.ok(step1?.parsed.messageId);
    const replyId = '<pat-cc-1@lead.example>';
    const taskId = await leadWrites(
      replyId,
      step1.parsed.messageId,
      'How much does it cost for a team of 12?\n\nPat',
      `Morgan Manager <${MANAGER}>`,
    );

    const base = worker.webUrl;
    assert.ok(base);
    await page.goto(`${base}/login`);
    await page.fill('#email', REP);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    await page.goto(`${base}/tasks/${encodeURIComponent(taskId)}`);
    await Promise.all([page.waitForURL(/notice=claim/), page.click('#claim')]);
    assert.equal(await page.inputValue('#reply-cc'), MANAGER, 'reply-all: the manager the lead copied is copied');
    assert.match(await page.locator('#reply-from').innerText(), /Dana from Parley <dana@parley\.test>/);

    // A snippet goes in at the cursor: what the rep typed around it stays (issue 16, case 7).
    await page.fill('#reply-text', 'Hi Pat,\n\n\n\nRita');
    await page.evaluate("document.getElementById('reply-text').setSelectionRange(9, 9)");
    const snippet = page.locator('button[data-snippet]').first();
    const snippetText = (await snippet.getAttribute('data-snippet')) ?? '';
    assert.ok(snippetText.length > 20);
    await snippet.click();
    assert.equal(await page.inputValue('#reply-text'), `Hi Pat,\n\n${snippetText}\n\nRita`);

    // The rep adds someone to the CC line, and the answer goes to all of them.
    await page.fill('#reply-cc', `${MANAGER}, finance@lead.example`);
    await page.fill('#reply-text', 'For 12 people it is 400 a month.\n\nRita');
    await Promise.all([page.waitForURL(/notice=reply/), page.click('#send-reply')]);

    webAnswer = await answerTo(replyId);
    assert.deepEqual(addresses(webAnswer.parsed.to), [LEAD]);
    assert.deepEqual(addresses(webAnswer.parsed.cc), [MANAGER, 'finance@lead.example']);
    assert.deepEqual([...webAnswer.envelopeTo].sort(), ['finance@lead.example', MANAGER, LEAD].sort());
    // The From name the thread's emails carried, not the rep's.
    assert.deepEqual(webAnswer.parsed.from?.value[0], { address: 'dana@parley.test', name: 'Dana from Parley' });
    assert.equal(step1.parsed.from?.value[0]?.name, 'Dana from Parley');
    const text = webAnswer.parsed.text ?? '';
    assert.match(
      text,
      /^For 12 people it is 400 a month\.\n\nRita\n\nOn \w{3}, \w{3} \d{1,2}, \d{4} at \d{1,2}:\d{2} [AP]M( UTC)?, Pat Lead <pat@lead\.example> wrote:\n> How much does it cost for a team of 12\?\n>\n> Pat\n?$/,
    );
    assert.doesNotMatch(text, /working with/, 'the rep signed with her name: no hand-over line');
    assert.match(webAnswer.parsed.messageId ?? '', /^<rep\.[0-9a-f-]+@mail\.parley\.test>$/);
  });

  it('from `parley tasks reply`: the same reply-all and quote, a hand-over line, and no @parley.local without MESSAGE_ID_DOMAIN', async () => {
    const answerId = webAnswer.parsed.messageId;
    assert.ok(answerId);
    const replyId = '<pat-cc-2@lead.example>';
    const taskId = await leadWrites(
      replyId,
      answerId,
      'Thanks! Could we talk on Thursday at 10?',
      `Morgan Manager <${MANAGER}>, Sam <sam@lead.example>, Dana from Parley <dana@parley.test>`,
    );
    const { MESSAGE_ID_DOMAIN: _unset, ...env } = services.env({ SEQUENCES_DIR: 'test/fixtures/sequences' });
    await runCli(['tasks', 'claim', taskId, '--as', REP], env);
    await runCli(['tasks', 'reply', taskId, '--as', REP, '--text', 'Thursday at 10 works, I will send an invite.'], env);

    const answer = await answerTo(replyId);
    assert.deepEqual(addresses(answer.parsed.cc), [MANAGER, 'sam@lead.example'], 'everyone copied but us');
    assert.deepEqual(answer.parsed.from?.value[0], { address: 'dana@parley.test', name: 'Dana from Parley' });
    // No domain configured for the CLI: the sending address's, never a made-up one.
    assert.match(answer.parsed.messageId ?? '', /^<rep\.[0-9a-f-]+@parley\.test>$/);
    const text = answer.parsed.text ?? '';
    assert.match(
      text,
      /^Thursday at 10 works, I will send an invite\.\n\nRita Rep \(working with Dana from Parley\)\n\nOn .+, Pat Lead <pat@lead\.example> wrote:\n> Thanks! Could we talk on Thursday at 10\?/,
    );

    // --cc replaces the list; '' copies nobody.
    const thirdId = '<pat-cc-3@lead.example>';
    const third = await leadWrites(thirdId, answer.parsed.messageId ?? '', 'Great, thanks.', `Morgan Manager <${MANAGER}>`);
    await runCli(['tasks', 'claim', third, '--as', REP], env);
    await assert.rejects(
      runCli(['tasks', 'reply', third, '--as', REP, '--text', 'Done.', '--cc', 'not-an-address'], env),
      /CC: "not-an-address"/,
    );
    await runCli(['tasks', 'reply', third, '--as', REP, '--text', 'See you then.', '--cc', ''], env);
    const alone = await answerTo(thirdId);
    assert.deepEqual(addresses(alone.parsed.cc), []);
    assert.deepEqual(alone.envelopeTo, [LEAD]);
  });

  // Issue 16, case 7: relabels apply their outcome, and closing without an answer asks first; the
  // confirm step is the server's, so it works with JavaScript off.
  it('asks before a relabel that unsubscribes and before closing an unanswered task, without JavaScript; the CLI wants --yes', async () => {
    const sequence = worker.getSequence('quick-follow-up');
    assert.ok(sequence);
    const jo = 'jo@lead.example';
    const [enrolled] = await enrollContacts(worker.database, sequence, [{ email: jo }]);
    assert.ok(enrolled?.outcome === 'enrolled');
    const step1 = await eventually('the first step to Jo', async () => services.sink.received.find((m) => m.envelopeTo[0] === jo), 20_000);
    const deliver = async (id: string, body: string) => {
      await services.mailbox.deliver(
        replyMessage({
          from: `Jo <${jo}>`,
          to: 'dana@parley.test',
          subject: 'Re: Quick question',
          body,
          messageId: id,
          inReplyTo: step1.parsed.messageId,
        }),
      );
      return (
        await eventually('the task', async () => (await worker.database.tasks.findOne({ replyId: `mid:${id}` })) ?? undefined, 30_000)
      )._id;
    };
    const taskId = await deliver('<jo-1@lead.example>', 'Hmm, maybe. What is this about again?');

    const context = await browser.newContext({ javaScriptEnabled: false });
    const noJs = await context.newPage();
    const base = worker.webUrl;
    assert.ok(base);
    await noJs.goto(`${base}/login`);
    await noJs.fill('#email', REP);
    await noJs.fill('#password', PASSWORD);
    await Promise.all([noJs.waitForURL(`${base}/`), noJs.click('button[type=submit]')]);
    await noJs.goto(`${base}/tasks/${encodeURIComponent(taskId)}`);
    await Promise.all([noJs.waitForURL(/notice=claim/), noJs.click('#claim')]);
    const intentBefore = await noJs.locator('#intent').innerText();

    // Relabel to unsubscribe: a confirm page first; Cancel changes nothing.
    await noJs.selectOption('select[name=intent]', 'unsubscribe');
    await noJs.click('#relabel');
    assert.match(await noJs.locator('#confirm-question').innerText(), /unsubscribes jo@lead\.example/);
    await Promise.all([noJs.waitForURL(`${base}/tasks/${encodeURIComponent(taskId)}`), noJs.click('#cancel')]);
    assert.equal(await noJs.locator('#intent').innerText(), intentBefore);
    assert.equal((await worker.database.contacts.findOne({ email: jo }))?.suppressed, undefined);
    await noJs.selectOption('select[name=intent]', 'unsubscribe');
    await noJs.click('#relabel');
    await Promise.all([noJs.waitForURL(/notice=relabel/), noJs.click('#confirm')]);
    assert.equal(await noJs.locator('#intent').innerText(), 'unsubscribe');
    assert.equal((await worker.database.contacts.findOne({ email: jo }))?.suppressed?.reason, 'unsubscribe');
    assert.equal(await noJs.locator('#enrollment-status').innerText(), 'stopped');

    // Nobody answered Jo: the CLI refuses to close without --yes, the web app asks.
    const { MESSAGE_ID_DOMAIN: _unset, ...env } = services.env({ SEQUENCES_DIR: 'test/fixtures/sequences' });
    await assert.rejects(
      runCli(['tasks', 'done', taskId, '--as', REP], env),
      /without an answer\? Nobody has answered jo@lead\.example yet\. Not closed: .*--yes/,
    );
    assert.notEqual((await worker.database.tasks.findOne({ _id: taskId }))?.status, 'done');
    await noJs.click('button[data-outcome="done"]');
    assert.match(await noJs.locator('#confirm-question').innerText(), /Close this P\d task without an answer\?/);
    await Promise.all([noJs.waitForURL(/notice=outcome/), noJs.click('#confirm')]);
    assert.equal((await worker.database.tasks.findOne({ _id: taskId }))?.status, 'done');
    await context.close();

    const second = await deliver('<jo-2@lead.example>', 'Sorry, ignore my last email.');
    await runCli(['tasks', 'claim', second, '--as', REP], env);
    assert.match(await runCli(['tasks', 'done', second, '--as', REP, '--yes'], env), /done \(status done\)/);
  });
});
