import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { type Browser } from 'playwright-core';
import { freePort } from '../src/embedded/index.ts';
import type { EnrollmentDoc, RepDoc, TaskDoc } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { addRep } from '../src/reps/index.ts';
import { createSmtpTransport, type MailTransport } from '../src/sending/index.ts';
import { answerTask, applyTaskOutcome, claimTask, type TaskActionResult } from '../src/tasks/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { runCli } from './support/worker-process.ts';
import { CHROMIUM, launchChromium } from './support/browser.ts';
const PASSWORD = 'conversation-test-pw-1';
const SESSION_SECRET = 'conversation-test-session-secret-0123456789';

/** CONVERSATION_WAIT_MS in this file: long enough to see a hold, short enough to see it end. */
const ANSWER_WAIT_MS = 10_000;
const SUBJECTS = { ask: 'Quick question about your team', webinar: 'The webinar next week', receipts: 'Your trial receipt' } as const;
type SequenceId = keyof typeof SUBJECTS;

function ok(result: TaskActionResult): TaskDoc {
  assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
  return result.task;
}

// Issue 16: the contact is the unit of conversation. A real worker sends through the SMTP sink and
// reads replies from Dovecot; a lead who asked a question in one sequence gets nothing automated
// from any other while a rep owes them an answer, or while they owe the rep's answer theirs.
describe('one conversation per person, through the real mailbox', () => {
  let services: TestServices;
  let worker: Worker;
  let transport: MailTransport;
  let admin: RepDoc;

  const mailTo = (email: string, sequenceId: SequenceId) =>
    services.sink.received.filter((m) => m.envelopeTo[0] === email && m.parsed.subject === SUBJECTS[sequenceId]);

  async function enroll(email: string, sequenceId: SequenceId): Promise<string> {
    const sequence = worker.getSequence(sequenceId);
    assert.ok(sequence, `${sequenceId} loaded`);
    const [enrolled] = await enrollContacts(worker.database, sequence, [{ email, firstName: 'Lee' }]);
    assert.equal(enrolled?.outcome, 'enrolled');
    return enrolled.enrollmentId;
  }
  const enrollment = async (id: string): Promise<EnrollmentDoc> => {
    const e = await worker.database.enrollments.findOne({ _id: id });
    assert.ok(e, `enrollment ${id}`);
    return e;
  };
  const stepSent = (id: string) =>
    eventually(
      `step hello of ${id} recorded`,
      async () => ((await enrollment(id)).passedStepIds.includes('hello') ? true : undefined),
      30_000,
    );
  const heldBy = (id: string, taskId: string) =>
    eventually(`${id} held by ${taskId}`, async () => {
      const e = await enrollment(id);
      return e.held?.taskId === taskId ? e : undefined;
    });

  /** The lead gets the "ask" sequence's first email and answers it with a question: a task opens, that enrollment pauses. */
  async function leadAsksAQuestion(
    email: string,
    body = 'Does it work with Outlook, and is there an API?',
  ): Promise<{ task: TaskDoc; askId: string }> {
    const askId = await enroll(email, 'ask');
    await stepSent(askId);
    const [step1] = mailTo(email, 'ask');
    assert.ok(step1?.parsed.messageId);
    const messageId = `<question-${email}>`;
    await services.mailbox.deliver(
      replyMessage({
        from: email,
        to: 'dana@parley.test',
        subject: `Re: ${SUBJECTS.ask}`,
        messageId,
        inReplyTo: step1.parsed.messageId,
        references: [step1.parsed.messageId],
        body,
      }),
    );
    const task = await eventually(
      `the task for ${email}`,
      async () => (await worker.database.tasks.findOne({ replyId: `mid:${messageId}` })) ?? undefined,
      30_000,
    );
    assert.equal(task.intent, 'question');
    assert.equal((await enrollment(askId)).status, 'paused');
    return { task, askId };
  }

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config({
      WEB_HOST: '127.0.0.1',
      WEB_PORT: String(await freePort()),
      SESSION_SECRET,
      SEQUENCES_DIR: 'test/fixtures/conversation',
      CONVERSATION_WAIT_MS: String(ANSWER_WAIT_MS),
      IMAP_POLL_INTERVAL_MS: '500',
    });
    worker = await startWorker({ config, logger: silentLogger() });
    transport = createSmtpTransport(config.smtp);
    admin = await addRep(worker.database, {
      email: 'rita@parley.test',
      name: 'Rita Rep',
      role: 'admin',
      password: 'conversation-test-pw-1',
    });
  });
  afterAll(async () => {
    transport?.close();
    await worker?.stop();
    await services?.stop();
  });

  it("holds another sequence's due step while the question waits for a rep, and sends it once after the task is closed", async () => {
    const lead = 'ada@lead.example';
    const { task, askId } = await leadAsksAQuestion(lead);
    const webinarId = await enroll(lead, 'webinar');

    const held = await heldBy(webinarId, task._id);
    assert.equal(held.status, 'active');
    assert.equal(held.held?.stepId, 'hello');
    assert.ok((held.nextStepAt?.getTime() ?? 0) > Date.now() + 5 * 60_000, 'held: not due again for minutes');
    assert.equal(mailTo(lead, 'webinar').length, 0, 'nothing from the webinar sequence while the question is open');
    assert.equal(await worker.database.sendClaims.countDocuments({ enrollmentId: webinarId }), 0, 'a held step is never claimed');

    ok(
      await applyTaskOutcome(
        worker.database,
        task._id,
        admin,
        { kind: 'done' },
        { getSequence: (id) => worker.getSequence(id), confirmed: true },
      ),
    );
    await stepSent(webinarId);
    await eventually('the webinar email at the sink', async () => (mailTo(lead, 'webinar').length > 0 ? true : undefined));
    assert.equal(mailTo(lead, 'webinar').length, 1, 'sent once');
    assert.equal(await worker.database.sendClaims.countDocuments({ enrollmentId: webinarId }), 1, 'one claim: one attempt');
    assert.equal(
      (await enrollment(askId)).status,
      'paused',
      "closing the task leaves the question's own sequence paused (a rep resumes it)",
    );
  });

  it('sends the step of a sequence that says during_conversation: send, and holds the others', async () => {
    const lead = 'bo@lead.example';
    const { task } = await leadAsksAQuestion(lead);
    const receiptsId = await enroll(lead, 'receipts');
    const webinarId = await enroll(lead, 'webinar');
    await stepSent(receiptsId);
    assert.equal(mailTo(lead, 'receipts').length, 1);
    await heldBy(webinarId, task._id);
    assert.equal(mailTo(lead, 'webinar').length, 0);
  });

  it("holds steps while a rep's answer waits for the contact's reply, for CONVERSATION_WAIT_MS", async () => {
    const lead = 'cy@lead.example';
    const { task } = await leadAsksAQuestion(lead);
    ok(await claimTask(worker.database, task._id, admin));
    const answered = ok(
      await answerTask(worker.database, transport, task._id, admin, 'Yes, it works with Outlook: add it under Settings. Rita', {
        messageIdDomain: 'parley.test',
        getSequence: (id) => worker.getSequence(id),
      }),
    );
    assert.equal(answered.status, 'answered');
    const answeredAt = (await worker.database.tasks.findOne({ _id: task._id }))?.answeredAt;
    assert.ok(answeredAt);
    const webinarId = await enroll(lead, 'webinar');
    await heldBy(webinarId, task._id);
    assert.equal(mailTo(lead, 'webinar').length, 0);

    // Nobody closes the task: once the wait is over the step goes out by itself, once.
    await stepSent(webinarId);
    const claims = await worker.database.sendClaims.find({ enrollmentId: webinarId }).toArray();
    assert.equal(claims.length, 1);
    assert.ok(claims[0]!.claimedAt.getTime() >= answeredAt.getTime() + ANSWER_WAIT_MS, 'not before the wait was over');
    await eventually('the webinar email at the sink', async () => (mailTo(lead, 'webinar').length === 1 ? true : undefined));
  });

  it('stops the held steps when the conversation ends in an unsubscribe', async () => {
    const lead = 'di@lead.example';
    const { task, askId } = await leadAsksAQuestion(lead);
    const webinarId = await enroll(lead, 'webinar');
    await heldBy(webinarId, task._id);
    const [step1] = mailTo(lead, 'ask');
    await services.mailbox.deliver(
      replyMessage({
        from: lead,
        to: 'dana@parley.test',
        subject: `Re: ${SUBJECTS.ask}`,
        messageId: '<stop-di@lead.example>',
        inReplyTo: step1?.parsed.messageId,
        references: [step1?.parsed.messageId ?? ''],
        body: 'Please unsubscribe me from all your emails.',
      }),
    );
    await eventually(
      'the webinar enrollment stopped',
      async () => ((await enrollment(webinarId)).status === 'stopped' ? true : undefined),
      30_000,
    );
    assert.equal((await enrollment(askId)).status, 'stopped');
    assert.equal(mailTo(lead, 'webinar').length, 0);
  });

  describe('the contact timeline', () => {
    const lead = 'eve@lead.example';
    /** Mail content that must stay text: markup for the page, a terminal escape for the CLI. */
    const HOSTILE = 'Does it work with Outlook <script>document.title="pwned"</script><img src=x onerror=alert(1)> \u001b[31mred?';
    let taskId = '';
    let browser: Browser | undefined;

    beforeAll(async () => {
      const { task } = await leadAsksAQuestion(lead, HOSTILE);
      taskId = task._id;
      const webinarId = await enroll(lead, 'webinar');
      // Held (or, on code without the rule, sent): either way the timeline tests below say what they see.
      await eventually('the webinar step held or sent', async () => {
        const e = await enrollment(webinarId);
        return e.held || e.passedStepIds.includes('hello') ? true : undefined;
      });
      ok(await claimTask(worker.database, task._id, admin));
      ok(
        await applyTaskOutcome(
          worker.database,
          task._id,
          admin,
          { kind: 'done' },
          { getSequence: (id) => worker.getSequence(id), confirmed: true },
        ),
      );
      await stepSent(webinarId);
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** Where each expected line first appears in `text`, in order; fails naming the first one missing or out of order. */
    function assertInOrder(text: string, expected: readonly RegExp[]): void {
      let from = 0;
      for (const pattern of expected) {
        const at = text.slice(from).search(pattern);
        assert.ok(at >= 0, `${pattern} after position ${from} in:\n${text}`);
        from += at + 1;
      }
    }
    const ORDER = [
      /Enrolled/,
      /Sent step hello/,
      /Reply received \(question\)/,
      /Task opened/,
      /Enrolled/,
      /Step hello held: the contact is in a conversation/,
      /Task claimed by rita@parley\.test/,
      /Task closed: done by rita@parley\.test/,
      /Sent step hello/,
    ];

    it('prints every email, reply, task and state change in time order on the command line, with control characters escaped', async () => {
      const output = await runCli(['contacts', 'timeline', lead], services.env({ PARLEY_FROM_SOURCE: '1' }));
      assertInOrder(output, ORDER);
      assert.match(output, /No open conversation/);
      assert.match(output, /webinar\s+Sent step hello/);
      assert.ok(!output.includes('\u001b'), 'no raw escape character reaches the terminal');
      assert.match(output, /\\u001b\[31m/);
    });

    it('shows the timeline page from the task page, with mail content as text, to a rep who may see it', async () => {
      assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`npm run setup\``);
      const base = worker.webUrl;
      assert.ok(base);
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${base}/contacts/${encodeURIComponent(lead)}/timeline`);
      assert.ok(page.url().endsWith('/login'), 'login required');
      await page.fill('#email', admin._id);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);

      await page.goto(`${base}/tasks/${encodeURIComponent(taskId)}`);
      await Promise.all([page.waitForURL(/\/timeline$/), page.click('#contact-timeline')]);
      const table = page.locator('#timeline tbody');
      assertInOrder(await table.innerText(), ORDER);
      const reply = page.locator('#timeline tr[data-kind="reply"]');
      await reply.locator('summary').click();
      assert.match(await reply.locator('pre').innerText(), /<script>document\.title="pwned"<\/script><img src=x onerror=alert\(1\)>/);
      assert.equal(await page.locator('#timeline script, #timeline img').count(), 0);
      assert.notEqual(await page.title(), 'pwned');
      assert.match(await page.locator('#conversation').innerText(), /No open conversation/);
      await page.screenshot({ path: 'docs/screenshots/contact-timeline.png', fullPage: true });
      assert.deepEqual(dialogs, []);
      const api = await page.request.get(`${base}/api/contacts/${encodeURIComponent(lead)}/timeline`);
      const json = (await api.json()) as { email: string; entries: Array<{ kind: string; title: string }> };
      assert.equal(json.email, lead);
      assert.deepEqual(
        json.entries.filter((x) => x.kind === 'email_sent').map((x) => x.title),
        ['Sent step hello', 'Sent step hello'],
      );

      // A rep with no task of this contact gets what an unknown address gets.
      await addRep(worker.database, { email: 'sam@parley.test', name: 'Sam Rep', role: 'rep', password: PASSWORD });
      const other = await browser.newPage();
      await other.goto(`${base}/login`);
      await other.fill('#email', 'sam@parley.test');
      await other.fill('#password', PASSWORD);
      await Promise.all([other.waitForURL(`${base}/`), other.click('button[type=submit]')]);
      const refused = await other.goto(`${base}/contacts/${encodeURIComponent(lead)}/timeline`);
      assert.equal(refused?.status(), 404);
      const unknown = await other.goto(`${base}/contacts/${encodeURIComponent('nobody@lead.example')}/timeline`);
      assert.equal(unknown?.status(), 404);
    });
  });
});
