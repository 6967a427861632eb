import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../src/db/index.ts';
import { silentLogger } from '../src/logger.ts';
import { contactDoc, enrollmentDoc } from '../src/optout/testing.ts';
import { startTestDatabase } from '../src/db/testing.ts';
import { addRep } from '../src/reps/index.ts';
import { claimTask } from '../src/tasks/index.ts';
import { suppressContact } from '../src/optout/index.ts';
import { buildWebServer } from '../src/web/index.ts';
import { parseFixtureSequence } from './support/sequences.ts';
import { Client, noTransport, REP_PASSWORD as PASSWORD } from './support/web-client.ts';

const SESSION_SECRET = 'web-app-test-session-secret-0123456789';
const HOSTILE_SCRIPT = '<script>alert(1)</script>';
const HOSTILE_IMG = '<img src=x onerror=alert(2)>';
/** A sequence whose owner books meetings through a calendar page (`calendar_link`). */
const withCalendar = parseFixtureSequence(
  'test/fixtures/outcomes/outcomes.yaml',
  (yaml) => `${yaml}\ncalendar_link: "https://cal.parley.test/dana?ref=<b>x</b>"\n`,
);

// The rep app through fastify.inject against a real FerretDB (or MONGODB_URL).
describe('rep web app', () => {
  let db: Database;
  let stopDb: () => Promise<void>;
  let app: FastifyInstance;
  const now = new Date();

  beforeAll(async () => {
    ({ db, stop: stopDb } = await startTestDatabase('webapp'));
    await addRep(db, { email: 'alice@parley.test', name: 'Alice Admin', role: 'admin', password: PASSWORD });
    await addRep(db, { email: 'bob@parley.test', name: 'Bob Rep', role: 'rep', password: PASSWORD });
    const contact = { ...contactDoc('c-1', 'lee@lead.example'), firstName: HOSTILE_IMG, company: HOSTILE_SCRIPT };
    await db.contacts.insertOne(contact);
    await db.enrollments.insertOne({ ...enrollmentDoc('e-1', contact, 'paused', 'seq-1') });
    await db.replies.insertOne({
      _id: 'mid:<r1@lead.example>',
      messageId: '<r1@lead.example>',
      mailbox: 'INBOX',
      uidValidity: '1',
      uid: 1,
      from: `"${HOSTILE_IMG}" <lee@lead.example>`,
      subject: `Re: ${HOSTILE_SCRIPT}`,
      references: [],
      visibleText: `Hello ${HOSTILE_SCRIPT} and ${HOSTILE_IMG}\n\n> quoted ${HOSTILE_SCRIPT}`,
      state: 'processed',
      enrollmentId: 'e-1',
      contactId: 'c-1',
      intent: 'question',
      confidence: 0.8,
      receivedAt: now,
    });
    const task = {
      replyId: 'mid:<r1@lead.example>',
      enrollmentId: 'e-1',
      contactId: 'c-1',
      email: 'lee@lead.example',
      sequenceId: 'seq-1',
      intent: 'question' as const,
      confidence: 0.8,
      explanation: `words: ${HOSTILE_IMG}`,
      priority: 2,
      outcome: 'pause_and_task',
      status: 'open' as const,
      createdAt: now,
      dueAt: new Date(now.getTime() - 60_000),
    };
    await db.tasks.insertMany([
      { _id: 'reply:t1', ...task },
      { _id: 'reply:t2', ...task },
    ]);
    app = buildWebServer({
      db,
      unsubscribeSecret: undefined,
      logger: silentLogger(),
      repApp: {
        db,
        transport: noTransport,
        getSequence: (id) => (id === 'seq-cal' ? withCalendar : undefined),
        listSequences: () => [{ id: 'seq-2', name: `Other ${HOSTILE_SCRIPT}` }],
        messageIdDomain: 'parley.test',
        sessionSecret: SESSION_SECRET,
        secureCookies: false,
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await stopDb?.();
  });

  it('refuses logged-out requests: pages redirect to /login, the API answers 401', async () => {
    const client = new Client(app);
    const page = await client.request('GET', '/');
    assert.equal(page.statusCode, 303);
    assert.equal(page.headers.location, '/login');
    assert.equal((await client.request('GET', '/tasks/reply:t1')).statusCode, 303);
    const api = await client.request('GET', '/api/tasks');
    assert.equal(api.statusCode, 401);
    assert.equal(api.json().error, 'unauthenticated');
    // A made-up session cookie is no session either.
    client.cookies.set('parley_session', 'forged.value');
    assert.equal((await client.request('GET', '/api/tasks')).statusCode, 401);
  });

  it('logs in with the right password, sets a signed HttpOnly SameSite=Strict cookie, and logs out', async () => {
    const client = new Client(app);
    const login = await client.login('Alice@parley.test');
    assert.equal(login.statusCode, 303);
    assert.equal(login.headers.location, '/');
    const cookie = login.cookies.find((c) => c.name === 'parley_session');
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    const inbox = await client.request('GET', '/');
    assert.equal(inbox.statusCode, 200);
    assert.match(inbox.body, /data-task-id="reply:t1"/);
    assert.match(inbox.body, /overdue/);
    const api = await client.request('GET', '/api/tasks');
    assert.equal(api.statusCode, 200);
    assert.equal(api.json().tasks.length, 2);
    assert.equal(api.json().counts.open, 2);

    const token = await client.csrf('/');
    const sessionCookie = client.cookies.get('parley_session');
    assert.equal((await client.request('POST', '/logout', { form: { _csrf: token } })).statusCode, 303);
    // The old cookie is dead on the server too, not just cleared in this browser.
    assert.ok(sessionCookie);
    client.cookies.set('parley_session', sessionCookie);
    assert.equal((await client.request('GET', '/api/tasks')).statusCode, 401);
  });

  it('refuses a wrong password without a session (throttling: test/web-security.test.ts)', async () => {
    const client = new Client(app);
    for (let i = 0; i < 3; i++) {
      const attempt = await client.login('bob@parley.test', 'wrong password 12345');
      assert.equal(attempt.statusCode, 401, `attempt ${i + 1}`);
      assert.match(attempt.body, /Email or password is wrong/);
      assert.equal(
        attempt.cookies.find((c) => c.name === 'parley_session'),
        undefined,
      );
    }
    // Another account from the same client is not held up by it.
    assert.equal((await client.login('alice@parley.test')).statusCode, 303);
  });

  it('answers 403 to a state-changing POST without a valid CSRF token', async () => {
    const client = new Client(app);
    await client.login('alice@parley.test');
    const none = await client.request('POST', '/tasks/reply:t2/claim', { form: {} });
    assert.equal(none.statusCode, 403);
    const forged = await client.request('POST', '/api/tasks/reply:t2/claim', { json: {}, headers: { 'x-csrf-token': 'forged' } });
    assert.equal(forged.statusCode, 403);
    // A login form posted from elsewhere (login CSRF) is refused as well.
    const other = new Client(app);
    assert.equal((await other.request('POST', '/login', { form: { email: 'alice@parley.test', password: PASSWORD } })).statusCode, 403);
    assert.equal((await db.tasks.findOne({ _id: 'reply:t2' }))?.status, 'open');
  });

  it("offers the sequence owner's calendar link as the first snippet on a meeting request, escaped", async () => {
    const meeting = await db.tasks.findOne({ _id: 'reply:t1' });
    assert.ok(meeting);
    await db.tasks.insertOne({ ...meeting, _id: 'reply:t-meet', sequenceId: 'seq-cal', intent: 'meeting_request' });
    try {
      const client = new Client(app);
      await client.login('alice@parley.test');
      const page = await client.request('GET', `/tasks/${encodeURIComponent('reply:t-meet')}`);
      assert.equal(page.statusCode, 200);
      const snippets = [...page.body.matchAll(/data-snippet="([^"]*)"[^>]*>([^<]*)</g)].map((m) => [m[2], m[1]]);
      assert.equal(snippets[0]?.[0], 'Calendar link');
      assert.match(snippets[0]?.[1] ?? '', /https:\/\/cal\.parley\.test\/dana\?ref=&lt;b&gt;x&lt;\/b&gt;/);
      // A question on a sequence without a link: the saved snippets only.
      const question = await client.request('GET', `/tasks/${encodeURIComponent('reply:t1')}`);
      assert.doesNotMatch(question.body, /Calendar link/);
    } finally {
      await db.tasks.deleteOne({ _id: 'reply:t-meet' });
    }
  });

  it('refuses to claim a task another rep holds, with the reason on the page and in the API', async () => {
    const bob = await db.reps.findOne({ _id: 'bob@parley.test' });
    assert.ok(bob);
    const claimed = await claimTask(db, 'reply:t1', bob, new Date());
    assert.ok(claimed.ok);
    const client = new Client(app);
    await client.login('alice@parley.test');
    const token = await client.csrf('/tasks/reply:t1');
    const api = await client.request('POST', '/api/tasks/reply:t1/claim', { json: {}, headers: { 'x-csrf-token': token } });
    assert.equal(api.statusCode, 409);
    assert.equal(api.json().error, 'claimed_by_other');
    const form = await client.request('POST', '/tasks/reply:t1/claim', { form: { _csrf: token } });
    assert.equal(form.statusCode, 303);
    const page = await client.request('GET', String(form.headers.location));
    assert.match(page.body, /Someone else has claimed this task/);
  });

  it('renders hostile mail content escaped, under a strict CSP and the other security headers', async () => {
    const client = new Client(app);
    await client.login('alice@parley.test');
    for (const url of ['/tasks/reply:t2', '/']) {
      const page = await client.request('GET', url);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /<script>alert|<img src=x/i, url);
      assert.equal(
        page.headers['content-security-policy'],
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['x-frame-options'], 'DENY');
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.equal(page.headers['cache-control'], 'no-store');
      // The only scripts are the app's own file, no inline ones.
      assert.deepEqual(page.body.match(/<script[^>]*>/g), ['<script src="/static/app.js" defer>']);
    }
    const task = (await client.request('GET', '/tasks/reply:t2')).body;
    assert.ok(task.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(task.includes('&lt;img src=x onerror=alert(2)&gt;'));
    assert.match(task, /<details><summary>Quoted history<\/summary><pre>&gt; quoted &lt;script&gt;/);
    // The unsubscribe pages keep their own, stricter policy.
    assert.equal(
      (await client.request('GET', '/healthz')).headers['content-security-policy'],
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('shows admins the suppressions and the mail that matched nothing, escaped, and lets them lift one with a reason and CSRF', async () => {
    // Accounts of their own: the other tests used up alice's and bob's logins for this minute.
    await addRep(db, { email: 'carol@parley.test', name: 'Carol Rep', role: 'rep', password: PASSWORD });
    await addRep(db, { email: 'dora@parley.test', name: 'Dora Admin', role: 'admin', password: PASSWORD });
    const sue = contactDoc('c-sue', 'sue@lead.example');
    await db.contacts.insertOne(sue);
    await db.enrollments.insertOne(enrollmentDoc('e-sue', sue, 'active', 'seq-1'));
    const bouncedAt = new Date('2026-12-01T09:00:00Z');
    await suppressContact(db, 'c-sue', {
      reason: 'bounce',
      source: 'reply',
      replyId: 'mid:<dsn-1@mx.example>',
      now: bouncedAt,
      bounce: { status: '5.1.1', diagnostic: `550 ${HOSTILE_SCRIPT}` },
    });
    // A forged report: cites no message of ours, recorded unmatched, changed nothing.
    await db.replies.insertOne({
      _id: 'mid:<forged@attacker.example>',
      mailbox: 'INBOX',
      uidValidity: '1',
      uid: 9,
      from: `mailer-daemon@attacker.example`,
      subject: `Undelivered ${HOSTILE_IMG}`,
      references: [],
      visibleText: '',
      state: 'unmatched',
      intent: 'bounce',
      analysis: {
        automatic: { isAutomatic: true, evidence: [] },
        bounce: { kind: 'hard', status: '5.1.1', diagnostic: HOSTILE_SCRIPT, recipient: 'lee@lead.example', originalMessageId: undefined },
        qualification: {},
      },
      receivedAt: now,
    });

    const rep = new Client(app);
    await rep.login('carol@parley.test');
    assert.doesNotMatch((await rep.request('GET', '/')).body, /\/admin\/suppressions/);
    assert.equal((await rep.request('GET', '/admin/suppressions')).statusCode, 403);
    const repToken = await rep.csrf('/');
    const repLift = await rep.request('POST', '/admin/suppressions/lift', {
      form: { _csrf: repToken, email: 'sue@lead.example', reason: 'please' },
    });
    assert.equal(repLift.statusCode, 403);
    assert.ok((await db.contacts.findOne({ _id: 'c-sue' }))?.suppressed);

    const admin = new Client(app);
    await admin.login('dora@parley.test');
    assert.match((await admin.request('GET', '/')).body, /<a href="\/admin\/suppressions">Suppressions<\/a>/);
    const page = await admin.request('GET', '/admin/suppressions');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<td>sue@lead\.example<\/td><td>hard bounce<\/td><td>2026-12-01 09:00 UTC<\/td>/);
    assert.ok(
      page.body.includes('reply mid:&lt;dsn-1@mx.example&gt;, status 5.1.1, &quot;550 &lt;script&gt;alert(1)&lt;/script&gt;&quot;'),
    );
    assert.ok(page.body.includes('Undelivered &lt;img src=x onerror=alert(2)&gt;'));
    assert.match(page.body, /names lee@lead\.example, status 5\.1\.1, cites no message/);
    assert.doesNotMatch(page.body, /<script>alert|<img src=x/i);

    // Without the CSRF token, or without a reason, nothing is lifted.
    assert.equal(
      (await admin.request('POST', '/admin/suppressions/lift', { form: { email: 'sue@lead.example', reason: 'x' } })).statusCode,
      403,
    );
    const token = await admin.csrf('/admin/suppressions');
    const noReason = await admin.request('POST', '/admin/suppressions/lift', {
      form: { _csrf: token, email: 'sue@lead.example', at: bouncedAt.toISOString(), reason: '' },
    });
    assert.equal(noReason.headers.location, '/admin/suppressions?notice=reason_missing');
    assert.ok((await db.contacts.findOne({ _id: 'c-sue' }))?.suppressed);

    const lifted = await admin.request('POST', '/admin/suppressions/lift', {
      form: { _csrf: token, email: 'sue@lead.example', at: bouncedAt.toISOString(), reason: `typo fixed ${HOSTILE_SCRIPT}` },
    });
    assert.equal(lifted.statusCode, 303);
    assert.equal(lifted.headers.location, '/admin/suppressions?notice=lifted');
    assert.equal((await db.contacts.findOne({ _id: 'c-sue' }))?.suppressed, undefined);
    const audit = await db.suppressionAudit.findOne({ contactId: 'c-sue' });
    assert.deepEqual(
      [audit?.by, audit?.reason, audit?.prior.suppressed.reason],
      ['dora@parley.test', `typo fixed ${HOSTILE_SCRIPT}`, 'bounce'],
    );
    assert.equal((await db.enrollments.findOne({ _id: 'e-sue' }))?.status, 'stopped', 'a lift restarts nothing');

    const after = await admin.request('GET', String(lifted.headers.location));
    assert.match(after.body, /Suppression lifted and recorded in the audit trail\. Enrollments the suppression stopped stay stopped/);
    assert.ok(after.body.includes('typo fixed &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.doesNotMatch(after.body, /<script>alert|<img src=x/i);
    assert.doesNotMatch(after.body, /data-email="sue@lead\.example"/, 'no longer listed as suppressed');
  });
});
