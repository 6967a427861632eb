import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { addRep } from '../src/reps/index.ts';
import { reassignTask, relabelTask } from '../src/tasks/index.ts';
import { connectDatabase, type TaskDoc } from '../src/db/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { CHROMIUM, launchChromium } from './support/browser.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';

const PASSWORD = 'inbox test password 123';
const ADA = 'ada@parley.test';
const RITA = 'rita@parley.test';

/** A second sequence, so the inbox has two to filter by. */
const SECOND_SEQUENCE = `id: second-look
name: Second look (tests)
sender: { name: Dana from Parley, address: dana@parley.test }
policy:
  send_days: [mon, tue, wed, thu, fri, sat, sun]
  send_hours: { start: "00:00", end: "24:00" }
  mailbox_caps: { per_hour: 100000, per_day: 100000 }
steps:
  - id: hello
    subject: "A second look at {{ company | default: 'your team' }}"
    body: |
      Hi {{ first_name | default: "there" }},

      Did the pricing page answer what you were looking for?

      Just reply to this email.

      Dana
`;

interface Lead {
  email: string;
  firstName: string;
  lastName: string;
  company: string;
  sequence: 'quick-follow-up' | 'second-look';
  reply: string;
}

const LEADS: Lead[] = [
  {
    email: 'pat@lead.example',
    firstName: 'Pat',
    lastName: 'Lead',
    company: 'Lead Co',
    sequence: 'quick-follow-up',
    reply: 'How much does it cost for a team of 12? Can you send me the pricing?',
  },
  {
    email: 'sam@quill.example',
    firstName: 'Sam',
    lastName: 'Quill',
    company: 'Quill Ltd',
    sequence: 'second-look',
    reply: "Yes, let's set up a call next week. Tuesday afternoon works for me.",
  },
  {
    email: 'nora@acme.example',
    firstName: 'Nora',
    lastName: 'Nowak',
    company: 'Acme',
    sequence: 'quick-follow-up',
    reply: 'Sounds interesting, we have been looking for exactly this. Tell me more about the onboarding.',
  },
  {
    email: 'xavier@hostile.example',
    firstName: 'Xavier',
    lastName: '<b>Bold</b>',
    company: 'Evil <script>Corp</script>',
    sequence: 'second-look',
    reply: 'We are interested! <img src=x onerror="document.title=\'owned\'"> What does it cost?',
  },
];

/** Every console message about the Content-Security-Policy, and every page error. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

// The rep inbox in Debian's Chromium against a real worker: rows say who wrote and what, the
// views, filters and search narrow them, bulk actions and keyboard shortcuts act, a new reply is
// pushed into an open inbox, and the layout holds on a phone.
describe('rep inbox in a browser', () => {
  let services: TestServices;
  let worker: Worker;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sequencesDir: string;
  const tasks = new Map<string, TaskDoc>();

  async function login(target: Page, email: string): Promise<void> {
    const base = worker.webUrl ?? '';
    await target.goto(`${base}/login`);
    await target.fill('#email', email);
    await target.fill('#password', PASSWORD);
    await Promise.all([target.waitForURL(`${base}/`), target.click('button[type=submit]')]);
  }

  /** Enrolls the lead, waits for step 1 at the sink, and answers it from the lead's mailbox. */
  async function replyFrom(lead: Lead, messageId: string): Promise<void> {
    const sequence = worker.getSequence(lead.sequence);
    assert.ok(sequence);
    await enrollContacts(worker.database, sequence, [
      { email: lead.email, firstName: lead.firstName, lastName: lead.lastName, company: lead.company },
    ]);
    const sent = await eventually(`step 1 to ${lead.email}`, async () =>
      services.sink.received.find((m) => m.envelopeTo[0] === lead.email),
    );
    await services.mailbox.deliver(
      replyMessage({
        from: `${lead.firstName} <${lead.email}>`,
        to: 'dana@parley.test',
        subject: `Re: ${sent.parsed.subject ?? ''}`,
        messageId,
        inReplyTo: sent.parsed.messageId,
        references: [sent.parsed.messageId ?? ''],
        body: lead.reply,
      }),
    );
  }

  const taskOf = (email: string) =>
    eventually(`the task for ${email}`, async () => (await worker.database.tasks.findOne({ email })) ?? undefined, 30_000);
  const rowTexts = (target: Page) => target.locator('#task-rows tr').allInnerTexts();
  const rowEmails = async (target: Page) => (await target.locator('#task-rows tr .address').allInnerTexts()).map((t) => t.trim()).sort();

  beforeAll(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`npm run setup\``);
    services = await startTestServices();
    sequencesDir = await mkdtemp(join(tmpdir(), 'parley-inbox-sequences-'));
    await copyFile('test/fixtures/sequences/quick-follow-up.yaml', join(sequencesDir, 'quick-follow-up.yaml'));
    await writeFile(join(sequencesDir, 'second-look.yaml'), SECOND_SEQUENCE);
    const config = services.config({
      WEB_HOST: '127.0.0.1',
      WEB_PORT: String(await freePort()),
      SESSION_SECRET: 'inbox-test-session-secret-0123456789abcdef',
      SEQUENCES_DIR: sequencesDir,
      IMAP_POLL_INTERVAL_MS: '500',
    });
    worker = await startWorker({ config, logger: silentLogger() });
    await addRep(worker.database, { email: ADA, name: 'Ada Admin', role: 'admin', password: PASSWORD });
    await addRep(worker.database, { email: RITA, name: 'Rita Rep', role: 'rep', password: PASSWORD });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();

    for (const [i, lead] of LEADS.entries()) await replyFrom(lead, `<inbox-${i}@lead.example>`);
    for (const lead of LEADS) tasks.set(lead.email, await taskOf(lead.email));
    // Known assignments for the views: Pat and Xavier are Ada's, Sam is Rita's, Nora nobody's yet;
    // Xavier's is late.
    const ada = (await worker.database.reps.findOne({ _id: ADA })) ?? assert.fail('Ada');
    const at = new Date();
    for (const [email, to] of [
      ['pat@lead.example', ADA],
      ['sam@quill.example', RITA],
      ['nora@acme.example', undefined],
      ['xavier@hostile.example', ADA],
    ] as const) {
      const result = await reassignTask(worker.database, tasks.get(email)?._id ?? '', ada, to, at);
      assert.ok(result.ok, JSON.stringify(result));
    }
    await worker.database.tasks.updateOne(
      { _id: tasks.get('xavier@hostile.example')?._id ?? '' },
      { $set: { dueAt: new Date(Date.now() - 42 * 60_000) } },
    );
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await services?.stop();
    if (sequencesDir) await rm(sequencesDir, { recursive: true, force: true });
  });

  it('shows who wrote, their company, the start of the reply, the sequence, the intent in words and a relative due time', async () => {
    const problems = watch(page);
    await login(page, ADA);
    assert.equal(await page.locator('#task-rows tr').count(), 4);
    const pat = page.locator('tr', { has: page.locator('text=pat@lead.example') });
    const patText = await pat.innerText();
    for (const expected of [
      'Pat Lead',
      'Lead Co',
      'How much does it cost for a team of 12?',
      'quick-follow-up',
      'Has a question',
      'P2 High',
    ])
      assert.ok(patText.includes(expected), `${expected} in the row:\n${patText}`);
    assert.match(patText, /due in \d+ min/);
    assert.match(patText, /\d+% sure/);
    assert.doesNotMatch(patText, /question\b.*\b0\.\d|priority/i);

    const xavier = page.locator('tr', { has: page.locator('text=xavier@hostile.example') });
    assert.match(await xavier.locator('td.due').innerText(), /^4[12] min late/);
    assert.equal(await xavier.getAttribute('class'), 'late');
    assert.equal(
      await page.evaluate("getComputedStyle(document.querySelector('tr.late td.due')).color"),
      'rgb(180, 35, 24)',
      'a late due time is red',
    );
    // Mail content stays text: no element came from the lead's name, company or reply.
    const xavierText = await xavier.innerText();
    assert.ok(xavierText.includes('Xavier <b>Bold</b>'), xavierText);
    assert.ok(xavierText.includes('Evil <script>Corp</script>'), xavierText);
    assert.ok(xavierText.includes('<img src=x onerror='), xavierText);
    assert.equal(await page.locator('#task-rows img, #task-rows script, #task-rows b').count(), 0);
    assert.notEqual(await page.title(), 'owned');

    // A relabel by a rep replaces the classifier's confidence, and the rows the script draws after
    // the push read exactly like the server's.
    const ada = (await worker.database.reps.findOne({ _id: ADA })) ?? assert.fail('Ada');
    const serverRows = await rowTexts(page);
    const relabelled = await relabelTask(worker.database, tasks.get('nora@acme.example')?._id ?? '', ada, 'meeting_request', {
      confirmed: true,
    });
    assert.ok(relabelled.ok, JSON.stringify(relabelled));
    const nora = page.locator('tr', { has: page.locator('text=nora@acme.example') });
    await nora.locator('text=set by ada@parley.test').waitFor({ timeout: 5_000 });
    assert.match(await nora.innerText(), /Wants a meeting/);
    assert.doesNotMatch(await nora.innerText(), /% sure/);
    const pushedRows = await rowTexts(page);
    const withoutNora = (rows: string[]) => rows.filter((r) => !r.includes('nora@acme.example'));
    assert.deepEqual(withoutNora(pushedRows), withoutNora(serverRows));
    // The task page says the same: the rep's label in words, no stale confidence.
    await Promise.all([page.waitForURL(/\/tasks\//), nora.locator('a').click()]);
    const intentCard = await page.locator('.card', { has: page.locator('#intent') }).innerText();
    assert.match(intentCard, /Wants a meeting meeting_request · set by ada@parley\.test · P1 Urgent/);
    assert.doesNotMatch(intentCard, /% sure/);
    await page.goBack();
    assert.deepEqual(problems, []);
  });

  it('narrows the list by view, intent, sequence and search, and keeps the filters in the address', async () => {
    const problems = watch(page);
    const base = worker.webUrl ?? '';
    await page.goto(`${base}/`);
    await Promise.all([page.waitForURL(/view=mine/), page.click('a[data-view=mine]')]);
    assert.deepEqual(await rowEmails(page), ['pat@lead.example', 'xavier@hostile.example']);
    await Promise.all([page.waitForURL(/view=unassigned/), page.click('a[data-view=unassigned]')]);
    assert.deepEqual(await rowEmails(page), ['nora@acme.example']);
    await Promise.all([page.waitForURL(/view=overdue/), page.click('a[data-view=overdue]')]);
    assert.deepEqual(await rowEmails(page), ['xavier@hostile.example']);

    await page.goto(`${base}/`);
    await page.selectOption('select[name=sequence]', 'second-look');
    await Promise.all([page.waitForURL(/sequence=second-look/), page.click('#filters button[type=submit]')]);
    assert.deepEqual(await rowEmails(page), ['sam@quill.example', 'xavier@hostile.example']);

    // By intent: the one Pat's question was given, whatever else shares it.
    const patIntent = (await worker.database.tasks.findOne({ email: 'pat@lead.example' }))?.intent ?? assert.fail('Pat has a task');
    const sameIntent = (await worker.database.tasks.find({ intent: patIntent, status: { $ne: 'done' } }).toArray())
      .map((t) => t.email)
      .sort();
    assert.ok(sameIntent.length < LEADS.length, `the intents differ: ${patIntent} for ${sameIntent.join()}`);
    await page.goto(`${base}/`);
    await page.selectOption('select[name=intent]', patIntent);
    await Promise.all([page.waitForURL(new RegExp(`intent=${patIntent}`)), page.click('#filters button[type=submit]')]);
    assert.deepEqual(await rowEmails(page), sameIntent);

    for (const [search, expected] of [
      ['quill', ['sam@quill.example']], // company and address
      ['Nowak', ['nora@acme.example']], // last name
      ['onboarding', ['nora@acme.example']], // words of the reply
      ['cost', ['pat@lead.example', 'xavier@hostile.example']],
      ['cost team', ['pat@lead.example']], // every word must match
      ['nobody-writes-this', []],
    ] as const) {
      await page.goto(`${base}/`);
      await page.fill('#search', search);
      await Promise.all([page.waitForURL(/q=/), page.press('#search', 'Enter')]);
      assert.deepEqual(await rowEmails(page), [...expected], `search "${search}"`);
      assert.equal(await page.locator('#empty').isVisible(), expected.length === 0);
    }
    // The view and the search together, as a rep would bookmark them.
    await page.goto(`${base}/?view=mine&q=cost`);
    assert.deepEqual(await rowEmails(page), ['pat@lead.example', 'xavier@hostile.example']);
    await page.screenshot({ path: 'docs/screenshots/inbox-filters.png', fullPage: true });
    await page.fill('#search', 'team');
    await Promise.all([page.waitForURL(/q=team/), page.press('#search', 'Enter')]);
    assert.match(page.url(), /view=mine/);
    assert.deepEqual(await rowEmails(page), ['pat@lead.example']);
    assert.deepEqual(problems, []);
  });

  it('pushes a new reply into the open inbox within a second of the worker queueing it, with no polling', async () => {
    const base = worker.webUrl ?? '';
    await page.goto(`${base}/`);
    const fetches: number[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/tasks') fetches.push(Date.now());
    });
    // Quiet for a while: an open inbox asks for nothing while nothing changes (the old one polled every 3 s).
    await page.waitForTimeout(4_000);
    assert.ok(fetches.length <= 1, `only the stream's opening reload, not a poll: ${fetches.length} fetches`);
    // Three replies one after another; the median counts, so one busy moment of a shared machine
    // does not decide (the benchmark measures the push alone: docs/BENCHMARKS.md).
    const latencies: number[] = [];
    for (const [i, name] of ['Lin', 'Lou', 'Liv'].entries()) {
      const email = `${name.toLowerCase()}@late.example`;
      // The moment the row appears, as the page's own clock sees it (the same machine's clock).
      await page.evaluate(`(() => {
        const seen = new MutationObserver(() => {
          if (document.getElementById('task-rows').innerText.includes('${email}')) {
            document.body.setAttribute('data-seen-at', String(Date.now()));
            seen.disconnect();
          }
        });
        seen.observe(document.getElementById('task-rows'), { childList: true, subtree: true });
      })()`);
      await replyFrom(
        {
          email,
          firstName: name,
          lastName: 'Late',
          company: 'Late Labs',
          sequence: 'quick-follow-up',
          reply: 'Could we talk on Friday? I have a few questions about the pricing.',
        },
        `<inbox-late-${i}@lead.example>`,
      );
      await page.locator('#task-rows tr', { hasText: email }).waitFor({ timeout: 30_000 });
      const task = await taskOf(email);
      const seenAt = Number(await page.locator('body').getAttribute('data-seen-at'));
      latencies.push(seenAt - task.createdAt.getTime());
    }
    console.log(`# task queued to row shown in the open inbox: ${latencies.join(', ')} ms`);
    assert.ok(
      latencies.every((ms) => ms >= 0),
      `${latencies.join()}`,
    );
    const median = [...latencies].sort((a, b) => a - b)[1] ?? Infinity;
    assert.ok(median < 1_000, `shown ${median} ms (median) after the worker queued it`);
  });

  it('applies bulk actions to the selected tasks: assign, snooze, and close after a yes', async () => {
    const base = worker.webUrl ?? '';
    await page.goto(`${base}/`);
    const row = (email: string) => page.locator('#task-rows tr', { hasText: email });
    // Admins give tasks to anyone.
    await row('nora@acme.example').locator('input[name=ids]').check();
    await row('pat@lead.example').locator('input[name=ids]').check();
    assert.equal(await page.locator('#selected-count').innerText(), '2 selected');
    await page.selectOption('#bulk-action', `assign:${RITA}`);
    await Promise.all([page.waitForURL(/bulk=assign/), page.click('#bulk-apply')]);
    assert.match(await page.locator('.notice').innerText(), /^2 tasks assigned\.$/);
    for (const email of ['nora@acme.example', 'pat@lead.example'])
      assert.equal((await worker.database.tasks.findOne({ email }))?.assignee, RITA);

    await row('sam@quill.example').locator('input[name=ids]').check();
    await page.selectOption('#bulk-action', 'snooze:1d');
    await Promise.all([page.waitForURL(/bulk=snooze/), page.click('#bulk-apply')]);
    const snoozed = await worker.database.tasks.findOne({ email: 'sam@quill.example' });
    assert.equal(snoozed?.status, 'snoozed');
    const hours = ((snoozed?.snoozedUntil?.getTime() ?? 0) - Date.now()) / 3_600_000;
    assert.ok(hours > 23 && hours <= 24, `snoozed for ${hours} h`);

    // Closing tasks nobody answered asks first, and Cancel changes nothing.
    await row('xavier@hostile.example').locator('input[name=ids]').check();
    await page.selectOption('#bulk-action', 'close');
    await page.click('#bulk-apply');
    assert.match(await page.locator('#confirm-question').innerText(), /^Close 1 task\? 1 of them has no answer yet/);
    await Promise.all([page.waitForURL(`${base}/`), page.click('#cancel')]);
    assert.equal((await worker.database.tasks.findOne({ email: 'xavier@hostile.example' }))?.status, 'open');
    await row('xavier@hostile.example').locator('input[name=ids]').check();
    await page.selectOption('#bulk-action', 'close');
    await page.click('#bulk-apply');
    await Promise.all([page.waitForURL(/bulk=close/), page.click('#confirm')]);
    assert.match(await page.locator('.notice').innerText(), /^1 task closed\.$/);
    const closed = (await worker.database.tasks.findOne({ email: 'xavier@hostile.example' })) ?? assert.fail('task');
    assert.equal(closed.status, 'done');
    const audit = await worker.database.taskEvents.find({ taskId: closed._id }).toArray();
    assert.ok(
      audit.some((e) => e.by === ADA && e.action === 'done'),
      JSON.stringify(audit.map((e) => e.action)),
    );
  });

  it('lets a rep take tasks for themselves but not give them to others', async () => {
    const ritaPage = await context.browser()?.newPage();
    assert.ok(ritaPage);
    try {
      await login(ritaPage, RITA);
      const options = (await ritaPage.locator('#bulk-action option').evaluateAll((all) => all.map((o) => o.getAttribute('value')))).map(
        (o) => o ?? '',
      );
      assert.deepEqual(
        options.filter((o) => o.startsWith('assign') || o === 'unassign'),
        ['assign:me'],
      );
      // A forged choice is refused task by task, and nothing changes.
      const pat = await worker.database.tasks.findOne({ email: 'pat@lead.example' });
      const csrf = (await ritaPage.locator('#bulk input[name=_csrf]').getAttribute('value')) ?? '';
      const answer = await ritaPage.request.post(`${worker.webUrl ?? ''}/tasks/bulk`, {
        form: { _csrf: csrf, action: `assign:${ADA}`, ids: pat?._id ?? '', back: '/' },
        maxRedirects: 0,
      });
      const response = answer.headers().location ?? '';
      assert.match(response, /bulk=assign&done=0&refused=1/);
      assert.equal((await worker.database.tasks.findOne({ email: 'pat@lead.example' }))?.assignee, RITA);
    } finally {
      await ritaPage.close();
    }
  });

  it('works from the keyboard: j/k move, x selects, a assigns to me, r opens the answer, e closes, ? shows the help', async () => {
    const problems = watch(page);
    const base = worker.webUrl ?? '';
    await page.goto(`${base}/`);
    const focused = () => page.locator('#task-rows tr.focused .address').innerText();
    const emails = (await page.locator('#task-rows tr .address').allInnerTexts()).map((t) => t.trim());
    assert.ok(emails.length >= 3, emails.join());
    await page.keyboard.press('j');
    assert.equal(await focused(), emails[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    assert.equal(await focused(), emails[2]);
    await page.keyboard.press('k');
    assert.equal(await focused(), emails[1]);

    assert.equal(await page.locator('#shortcuts').isVisible(), false);
    await page.keyboard.press('?');
    assert.equal(await page.locator('#shortcuts').isVisible(), true);
    assert.match(await page.locator('#shortcuts').innerText(), /next \/ previous task/);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#shortcuts').isVisible(), false);

    // Typing in the search box is typing, not shortcuts.
    await page.keyboard.press('/');
    await page.keyboard.type('jk');
    assert.equal(await page.inputValue('#search'), 'jk');
    assert.equal(await focused(), emails[1]);
    await page.keyboard.press('Escape');
    await page.fill('#search', '');
    await page.locator('h1').click();

    // a: the focused task to me (Ada), with the bulk bar's notice.
    const target = emails[1] ?? '';
    await page.keyboard.press('x');
    assert.equal(await page.locator('#selected-count').innerText(), '1 selected');
    await Promise.all([page.waitForURL(/bulk=assign/), page.keyboard.press('a')]);
    assert.equal((await worker.database.tasks.findOne({ email: target }))?.assignee, ADA);

    // r: the task page, with the cursor in the answer.
    await page.keyboard.press('j');
    const opened = await focused();
    await Promise.all([page.waitForURL(/\/tasks\/.*#reply$/), page.keyboard.press('r')]);
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'reply-text');
    assert.match(await page.locator('main').innerText(), new RegExp(opened.replace('.', '\\.')));

    // e: close, after the same yes as the bulk bar.
    await page.goto(`${base}/`);
    await page.keyboard.press('j');
    const closing = await focused();
    await Promise.all([page.waitForURL(`${base}/tasks/bulk`), page.keyboard.press('e')]);
    assert.match(await page.locator('#confirm-question').innerText(), /^Close 1 task\?/);
    await Promise.all([page.waitForURL(/bulk=close/), page.click('#confirm')]);
    assert.equal((await worker.database.tasks.findOne({ email: closing }))?.status, 'done');
    assert.deepEqual(problems, []);
  });

  it('fits a phone: no sideways scrolling at 390 px, rows as cards with every field', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      const small = await phone.newPage();
      const problems = watch(small);
      await login(small, ADA);
      await small.goto(`${worker.webUrl ?? ''}/?status=open`);
      assert.ok((await small.locator('#task-rows tr').count()) >= 1);
      const width = Number(await small.evaluate('document.documentElement.scrollWidth'));
      const wide = await small.evaluate(
        "[...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > 390).map((el) => el.tagName + '.' + el.className).slice(0, 8).join(' ')",
      );
      assert.ok(width <= 390, `the page is ${width} px wide on a 390 px screen: ${String(wide)}`);
      const card = small.locator('#task-rows tr').first();
      // Measured in one step in the page: the stream's first reload may redraw the rows meanwhile.
      const box = JSON.parse(
        String(await small.evaluate("JSON.stringify(document.querySelector('#task-rows tr').getBoundingClientRect())")),
      ) as { x: number; width: number };
      assert.ok(box.width > 0 && box.width <= 390 && box.x >= 0, JSON.stringify(box));
      assert.equal(await small.locator('table.inbox thead').isVisible(), false);
      assert.match(await card.innerText(), /@/);
      await small.screenshot({ path: 'docs/screenshots/inbox-phone.png', fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await phone.close();
    }
  });

  it("announces on the stream a task written through another connection, as another replica's would be", async () => {
    const cookies = await context.cookies();
    const stream = await fetch(`${worker.webUrl ?? ''}/api/tasks/events`, {
      headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = (stream.body ?? assert.fail('a body')).getReader();
    const other = await connectDatabase(services.mongoUrl, services.database);
    try {
      const decoder = new TextDecoder();
      let received = '';
      const read = async (until: RegExp) => {
        while (!until.test(received)) {
          const { value, done } = await reader.read();
          if (done) assert.fail(`the stream ended after: ${received}`);
          received += decoder.decode(value);
        }
      };
      await read(/retry: \d+/);
      // Let the stream's reader learn the current token before the write.
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.doesNotMatch(received, /event: tasks/, 'nothing changed yet');
      const pat = (await other.tasks.findOne({ email: 'pat@lead.example' })) ?? assert.fail('task');
      const ada = (await other.reps.findOne({ _id: ADA })) ?? assert.fail('Ada');
      const written = Date.now();
      assert.ok((await reassignTask(other, pat._id, ada, ADA)).ok);
      await read(/event: tasks/);
      console.log(`# a write through another connection announced after ${Date.now() - written} ms`);
    } finally {
      await reader.cancel();
      await other.close();
    }
  });

  it('answers the event stream only to a signed-in rep', async () => {
    const response = await fetch(`${worker.webUrl ?? ''}/api/tasks/events`);
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });
});
