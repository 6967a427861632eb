import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { connectDatabase, SessionStore, type Database, type TaskDoc } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { addRep, getRep, setOnDuty, verifyRepLogin } from '../src/reps/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { claimTask, escalateOverdue, liveClaim, queueTaskForReply, taskEvents } from '../src/tasks/index.ts';
import { buildWebServer } from '../src/web/index.ts';
import { quickFollowUp } from './support/sequences.ts';
import { startTestServices, type TestServices } from './support/services.ts';
import { Client, noTransport, REP_PASSWORD } from './support/web-client.ts';
import { runCli, startCli } from './support/worker-process.ts';
import { CHROMIUM, launchChromium } from './support/browser.ts';

const ADMIN = 'admin@parley.test';
const ANN = 'ann@parley.test';
const BEN = 'ben@parley.test';
const LEAD_ON = 'lead-on@parley.test';
const LEAD_OFF = 'lead-off@parley.test';

// Issue 17, "Rep management": reassign, off duty, remove, password reset and every task action
// from the CLI with short ids, against real FerretDB, the real CLI process and the rep app.
describe('rep management', () => {
  let services: TestServices;
  let db: Database;
  let sequence: Sequence;
  let env: Record<string, string>;
  let app: FastifyInstance;
  let counter = 0;

  /** A paused enrollment with a question waiting: the task the reply handler queues. */
  async function taskFor(options: { assignee?: string; owner?: string } = {}): Promise<TaskDoc> {
    const now = new Date();
    const email = `lead-${++counter}@lead.example`;
    const [enrolled] = await enrollContacts(
      db,
      sequence,
      [{ email, firstName: 'Lee', ...(options.owner && { owner: options.owner }) }],
      new Date(now.getTime() - 600_000),
    );
    assert.equal(enrolled?.outcome, 'enrolled');
    const enrollment = await db.enrollments.findOne({ _id: enrolled.enrollmentId });
    assert.ok(enrollment);
    await db.enrollments.updateOne({ _id: enrollment._id }, { $set: { status: 'paused', statusReason: 'reply: question' } });
    const task = await queueTaskForReply(
      db,
      {
        reply: { _id: `mid:<r${counter}@lead.example>` },
        enrollment,
        classification: { intent: 'question', confidence: 0.9, explanation: 'test' },
        assignee: options.assignee,
        outcome: 'pause_and_task',
      },
      now,
    );
    assert.ok(task);
    return task;
  }

  const stored = async (id: string) => {
    const task = await db.tasks.findOne({ _id: id });
    assert.ok(task);
    return task;
  };

  /** The short id `tasks list` prints for a task. */
  async function shortIdOf(taskId: string): Promise<string> {
    const line = (await runCli(['tasks', 'list'], env)).split('\n').find((l) => l.split('\t')[0] === taskId);
    const shortId = line?.split('\t')[1];
    assert.ok(shortId, `tasks list shows ${taskId}`);
    assert.match(shortId, /^t-[0-9a-f]{6,}$/);
    return shortId;
  }

  beforeAll(async () => {
    services = await startTestServices();
    env = services.env({ SEQUENCES_DIR: 'test/fixtures/sequences' });
    const config = services.config();
    db = await connectDatabase(services.mongoUrl, config.mongo.database);
    sequence = await quickFollowUp();
    for (const [email, role, lead] of [
      [ADMIN, 'admin', false],
      [ANN, 'rep', false],
      [BEN, 'rep', false],
      [LEAD_ON, 'rep', true],
      [LEAD_OFF, 'rep', true],
    ] as const) {
      await addRep(db, { email, name: email.split('@')[0] ?? email, role, password: REP_PASSWORD, lead });
    }
    await setOnDuty(db, ADMIN, false);
    app = buildWebServer({
      db,
      unsubscribeSecret: undefined,
      logger: silentLogger(),
      now: () => new Date(),
      repApp: {
        db,
        transport: noTransport,
        getSequence: () => undefined,
        listSequences: () => [],
        messageIdDomain: 'parley.test',
        sessionSecret: 'rep-management-test-session-secret-0123456789',
        secureCookies: false,
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await services?.stop();
  });

  it('sets reps off duty from the CLI: round-robin, ownership and escalations skip them', async () => {
    await runCli(['reps', 'off-duty', BEN], env);
    await runCli(['reps', 'off-duty', LEAD_OFF], env);
    assert.equal((await getRep(db, BEN))?.onDuty, false);
    const assignees = new Set<string | undefined>();
    for (let i = 0; i < 4; i++) assignees.add((await taskFor()).assignee);
    assert.deepEqual([...assignees].sort(), [ANN, LEAD_ON]);
    // Ben owns this contact, but is off duty: the task goes round-robin.
    const owned = await taskFor({ owner: BEN });
    assert.ok(owned.assignee === ANN || owned.assignee === LEAD_ON, `went to ${owned.assignee}`);

    await escalateOverdue(db, new Date(Date.now() + 24 * 3_600_000));
    assert.deepEqual((await stored(owned._id)).escalated?.to, [LEAD_ON]);

    await runCli(['reps', 'on-duty', BEN], env);
    assert.equal((await getRep(db, BEN))?.onDuty, true);
    assert.match(await runCli(['reps', 'list'], env), /ben@parley\.test\tben\trep\ton duty/);
  });

  it('lets an admin reassign a task from the CLI by its short id, and refuses a rep', async () => {
    const task = await taskFor({ assignee: ANN });
    const shortId = await shortIdOf(task._id);
    assert.ok(!/['"<>@:]/.test(shortId), 'a short id needs no shell quoting');

    const refused = startCli(['tasks', 'assign', shortId, '--to', BEN, '--as', ANN], env);
    assert.equal(await refused.exited, 1);
    assert.match(refused.output(), /Only an admin can reassign a task.*\[forbidden\]/);
    assert.equal((await stored(task._id)).assignee, ANN);

    assert.match(await runCli(['tasks', 'assign', shortId, '--to', BEN, '--as', ADMIN], env), /assigned to ben@parley\.test/);
    assert.equal((await stored(task._id)).assignee, BEN);
    const event = (await taskEvents(db, task._id)).find((e) => e.action === 'reassigned');
    assert.deepEqual(event && { by: event.by, ...event.detail }, { by: ADMIN, from: ANN, to: BEN });
    const shown = await runCli(['tasks', 'show', shortId], env);
    assert.match(shown, /reassigned from=ann@parley\.test to=ben@parley\.test/);
    assert.ok(shown.startsWith(`${task._id} (short id ${shortId})`));
  });

  it('reassigns from the task page for admins (CSRF form), and answers a rep 403', async () => {
    const task = await taskFor({ assignee: ANN });
    const page = `/tasks/${encodeURIComponent(task._id)}`;
    const admin = new Client(app, '203.0.113.60');
    assert.equal((await admin.login(ADMIN)).statusCode, 303);
    const body = (await admin.request('GET', page)).body;
    assert.match(body, /<select name="to" id="reassign-to"/);
    const token = await admin.csrf(page);
    const noToken = await admin.request('POST', `${page}/assign`, { form: { to: BEN } });
    assert.equal(noToken.statusCode, 403);
    assert.equal((await stored(task._id)).assignee, ANN);
    const moved = await admin.request('POST', `${page}/assign`, { form: { to: BEN, _csrf: token } });
    assert.equal(moved.statusCode, 303);
    assert.equal((await stored(task._id)).assignee, BEN);
    assert.match((await admin.request('GET', moved.headers.location ?? '')).body, /Reassigned\./);

    const ben = new Client(app, '203.0.113.61');
    assert.equal((await ben.login(BEN)).statusCode, 303);
    const benPage = await ben.request('GET', page);
    assert.equal(benPage.statusCode, 200);
    assert.doesNotMatch(benPage.body, /reassign-to/, 'reps see no Reassign form');
    const benToken = await ben.csrf(page);
    const forbidden = await ben.request('POST', `${page}/assign`, { form: { to: ANN, _csrf: benToken } });
    assert.equal(forbidden.statusCode, 403);
    assert.equal((await stored(task._id)).assignee, BEN);
  });

  it('reassigns in Chromium: the Reassign form on the task page, under the strict CSP', async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`npm run setup\``);
    const task = await taskFor({ assignee: BEN });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (m) => {
        // A 404 for /favicon.ico is not ours to mind; CSP refusals and script errors are.
        if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(m.text());
      });
      await page.goto(`${base}/login`);
      await page.fill('#email', ADMIN);
      await page.fill('#password', REP_PASSWORD);
      await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
      await page.goto(`${base}/tasks/${encodeURIComponent(task._id)}`);
      await page.selectOption('#reassign-to', LEAD_ON);
      await Promise.all([page.waitForURL(/notice=assign/), page.click('#reassign')]);
      assert.match((await page.locator('p.notice').textContent()) ?? '', /Reassigned\./);
      assert.equal(await page.locator('#reassign-to').inputValue(), LEAD_ON);
      assert.match((await page.locator('#audit').textContent()) ?? '', /reassigned/);
      assert.equal((await stored(task._id)).assignee, LEAD_ON);
      assert.deepEqual(problems, [], 'no CSP violations or script errors');
    } finally {
      await browser.close();
    }
  });

  it('removes a rep: their tasks go back to the pool, claims released, sessions end, no more logins', async () => {
    const assigned = await taskFor({ assignee: ANN });
    // Unassigned, claimed by Ann.
    const claimed = await taskFor();
    await db.tasks.updateOne({ _id: claimed._id }, { $unset: { assignee: '' } });
    const ann = await getRep(db, ANN);
    assert.ok(ann);
    assert.ok((await claimTask(db, claimed._id, ann)).ok);
    assert.ok((await claimTask(db, assigned._id, ann)).ok);
    const web = new Client(app, '203.0.113.62');
    assert.equal((await web.login(ANN)).statusCode, 303);
    assert.equal((await web.request('GET', '/')).statusCode, 200);

    assert.match(await runCli(['reps', 'remove', ANN], env), /removed; \d+ task\(s\) back in the pool/);
    for (const id of [assigned._id, claimed._id]) {
      const task = await stored(id);
      assert.equal(task.assignee, undefined);
      assert.equal(task.status, 'open');
      assert.equal(await liveClaim(db, id, new Date()), undefined);
    }
    assert.equal((await web.request('GET', '/')).statusCode, 303, 'the old session is gone');
    assert.equal(await verifyRepLogin(db, ANN, REP_PASSWORD), undefined);
    assert.equal((await new Client(app, '203.0.113.63').login(ANN)).statusCode, 401);
    // Back in the pool: another rep may take it.
    const ben = await getRep(db, BEN);
    assert.ok(ben && (await claimTask(db, assigned._id, ben)).ok);
  });

  it('lets admins set duty and remove reps on the Reps page; a rep sets only their own duty', async () => {
    const admin = new Client(app, '203.0.113.64');
    assert.equal((await admin.login(ADMIN)).statusCode, 303);
    const page = (await admin.request('GET', '/reps')).body;
    assert.match(page, /data-remove="lead-off@parley\.test"/);
    const token = await admin.csrf('/reps');
    const off = await admin.request('POST', '/reps/duty', { form: { email: BEN, onDuty: 'false', _csrf: token } });
    assert.equal(off.statusCode, 303);
    assert.equal((await getRep(db, BEN))?.onDuty, false);

    const ben = new Client(app, '203.0.113.65');
    assert.equal((await ben.login(BEN)).statusCode, 303);
    const benPage = (await ben.request('GET', '/reps')).body;
    assert.doesNotMatch(benPage, /lead-on@parley\.test|data-remove/, 'a rep sees only themselves');
    const benToken = await ben.csrf('/reps');
    assert.equal((await ben.request('POST', '/reps/duty', { form: { email: BEN, onDuty: 'true', _csrf: benToken } })).statusCode, 303);
    assert.equal((await getRep(db, BEN))?.onDuty, true);
    assert.equal((await ben.request('POST', '/reps/duty', { form: { email: LEAD_ON, onDuty: 'false', _csrf: benToken } })).statusCode, 403);
    assert.equal((await ben.request('POST', '/reps/remove', { form: { email: LEAD_ON, _csrf: benToken } })).statusCode, 403);
    assert.equal((await getRep(db, LEAD_ON))?.onDuty, true);
    assert.equal((await ben.request('POST', '/reps/duty', { form: { email: BEN, onDuty: 'false' } })).statusCode, 403, 'no CSRF token');

    const held = await taskFor({ assignee: LEAD_OFF });
    const removed = await admin.request('POST', '/reps/remove', { form: { email: LEAD_OFF, _csrf: token } });
    assert.equal(removed.statusCode, 303);
    assert.equal(await getRep(db, LEAD_OFF), undefined);
    assert.equal((await stored(held._id)).assignee, undefined);
    assert.match((await admin.request('GET', removed.headers.location ?? '')).body, /Rep removed/);
  });

  it('resets a password from the CLI: a one-time password works, the old one and old sessions do not', async () => {
    const sessions = new SessionStore(db.db);
    const old = await sessions.create(BEN, new Date());
    const out = await runCli(['reps', 'reset-password', BEN], env);
    const password = /One-time password: (\S+)/.exec(out)?.[1];
    assert.ok(password && password.length >= 12);
    assert.equal(await sessions.find(old, new Date()), undefined);
    assert.equal(await verifyRepLogin(db, BEN, REP_PASSWORD), undefined);
    assert.equal((await verifyRepLogin(db, BEN, password))?._id, BEN);

    await runCli(['reps', 'reset-password', BEN], { ...env, PARLEY_REP_PASSWORD: REP_PASSWORD });
    assert.equal((await verifyRepLogin(db, BEN, REP_PASSWORD))?._id, BEN);
  });

  it('has a CLI twin for every task action, by short id; closing unanswered wants --yes', async () => {
    const as = ['--as', BEN];
    const act = async (args: string[]) => runCli(['tasks', ...args, ...as], env);
    const make = async () => {
      const task = await taskFor({ assignee: BEN });
      const shortId = await shortIdOf(task._id);
      await act(['claim', shortId]);
      return { task, shortId };
    };

    const resumed = await make();
    assert.match(await act(['resume', resumed.shortId]), /resumed \(status done\)/);
    assert.equal((await db.enrollments.findOne({ _id: resumed.task.enrollmentId }))?.status, 'active');

    const stopped = await make();
    const unconfirmed = startCli(['tasks', 'stop', stopped.shortId, ...as], env);
    assert.equal(await unconfirmed.exited, 1);
    assert.match(unconfirmed.output(), /without an answer\?.*Not closed: answer it first, or run again with --yes/);
    assert.equal((await stored(stopped.task._id)).status, 'claimed');
    assert.match(await act(['stop', stopped.shortId, '--yes']), /stopped \(status done\)/);
    assert.equal((await db.enrollments.findOne({ _id: stopped.task.enrollmentId }))?.status, 'stopped');

    const moved = await make();
    assert.match(await act(['move', moved.shortId, '--to', sequence.id]), /moved \(status done\)/);
    assert.ok((await taskEvents(db, moved.task._id)).some((e) => e.action === 'move' && e.detail.sequenceId === sequence.id));

    const snoozed = await make();
    const until = new Date(Date.now() + 86_400_000).toISOString();
    assert.match(await act(['snooze', snoozed.shortId, '--until', until]), /snoozed \(status snoozed\)/);
    assert.equal((await stored(snoozed.task._id)).snoozedUntil?.toISOString(), until);

    const qualified = await make();
    assert.match(await act(['qualified', qualified.shortId, '--yes']), /qualified \(status done\)/);
    assert.ok((await taskEvents(db, qualified.task._id)).some((e) => e.action === 'qualified'));

    const done = await make();
    assert.match(await act(['done', done.shortId, '--yes']), /done \(status done\)/);
  });

  it('lists tasks from the CLI with the inbox filters: view, intent, sequence and search, with name and snippet', async () => {
    const mine = await taskFor({ assignee: BEN });
    const nobodys = await taskFor();
    // Round-robin gave it to someone: back to the pool, with what its row shows.
    await db.tasks.updateOne(
      { _id: nobodys._id },
      { $set: { preview: { name: 'Noor Body', company: 'Pool Inc', snippet: 'Who picks this up?' } }, $unset: { assignee: '' } },
    );
    const ids = async (...args: string[]) =>
      (await runCli(['tasks', 'list', ...args], env))
        .split('\n')
        .map((l) => l.split('\t'))
        .filter((f) => f[0] === mine._id || f[0] === nobodys._id);
    const unassigned = await ids('--view', 'unassigned');
    assert.deepEqual(
      unassigned.map((f) => f[0]),
      [nobodys._id],
    );
    assert.deepEqual(unassigned[0]?.slice(7, 10), ['unassigned', 'Noor Body', 'Who picks this up?']);
    assert.deepEqual(
      (await ids('--search', 'pool inc')).map((f) => f[0]),
      [nobodys._id],
    );
    assert.deepEqual(
      (await ids('--view', 'mine', '--as', BEN)).map((f) => f[0]),
      [mine._id],
    );
    assert.equal((await ids('--intent', 'question', '--sequence', sequence.id)).length, 2);
    assert.equal((await ids('--intent', 'interested')).length, 0);
  });

  it('opens and acts on a task in the rep app by its short id, which the task page shows', async () => {
    const task = await taskFor({ assignee: BEN });
    const shortId = await shortIdOf(task._id);
    const ben = new Client(app, '203.0.113.64');
    assert.equal((await ben.login(BEN)).statusCode, 303);
    const page = await ben.request('GET', `/tasks/${shortId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`<code id="short-id">${shortId}</code>`));
    assert.ok(page.body.includes(`action="/tasks/${encodeURIComponent(task._id)}/claim"`), 'forms post to the full id');
    const token = await ben.csrf(`/tasks/${shortId}`);
    const claimed = await ben.request('POST', `/tasks/${shortId}/claim`, { form: { _csrf: token } });
    assert.equal(claimed.statusCode, 303);
    assert.equal((await stored(task._id)).claim?.by, BEN);
    assert.equal((await ben.request('GET', `/api/tasks/${shortId}`)).statusCode, 200);
    assert.equal((await ben.request('GET', '/tasks/t-000000')).statusCode, 404);
  });
});
