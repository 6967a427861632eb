import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Database, ReplyDoc, TaskDoc } from '../src/db/index.ts';
import { startTestDatabase } from '../src/db/testing.ts';
import { silentLogger } from '../src/logger.ts';
import { contactDoc, enrollmentDoc } from '../src/optout/testing.ts';
import { addRep } from '../src/reps/index.ts';
import { legacyPasswordHash } from '../src/reps/testing.ts';
import { claimTask, queueTaskForReply } from '../src/tasks/index.ts';
import { buildWebServer, type WebServerOptions } from '../src/web/index.ts';
import { Client, noTransport, REP_PASSWORD } from './support/web-client.ts';
import { runCli } from './support/worker-process.ts';

const SESSION_SECRET = 'web-security-test-session-secret-0123456789';
const WRONG = 'not the password at all';

/** A lead's question, handled and matched to enrollment e-1: what a task is made from. */
function questionReply(_id: string, messageId: string, uid: number, visibleText: string): ReplyDoc {
  return {
    _id,
    messageId,
    mailbox: 'INBOX',
    uidValidity: '1',
    uid,
    from: 'lee@lead.example',
    subject: 'Re: hello',
    references: [],
    visibleText,
    state: 'processed',
    enrollmentId: 'e-1',
    contactId: 'c-1',
    intent: 'question',
    confidence: 0.8,
    receivedAt: new Date(),
  };
}

// The rep app's defences (issue 14, "Web"), through fastify.inject against a real FerretDB.
describe('rep web app defences', () => {
  let db: Database;
  let url: string;
  let name: string;
  let stopDb: () => Promise<void>;
  const servers: FastifyInstance[] = [];
  /** The servers' clock: login backoff is tested by moving it, never by sleeping. */
  let clock = Date.now();
  const now = () => new Date(clock);

  async function server(options: { secureCookies?: boolean; trustProxy?: WebServerOptions['trustProxy'] } = {}): Promise<FastifyInstance> {
    const app = buildWebServer({
      db,
      unsubscribeSecret: undefined,
      logger: silentLogger(),
      now,
      trustProxy: options.trustProxy,
      repApp: {
        db,
        transport: noTransport,
        getSequence: () => undefined,
        listSequences: () => [],
        messageIdDomain: 'parley.test',
        sessionSecret: SESSION_SECRET,
        secureCookies: options.secureCookies ?? false,
      },
    });
    await app.ready();
    servers.push(app);
    return app;
  }

  function task(id: string, fields: Partial<TaskDoc> = {}): TaskDoc {
    return {
      _id: id,
      replyId: 'mid:<r1@lead.example>',
      enrollmentId: 'e-1',
      contactId: 'c-1',
      email: 'lee@lead.example',
      sequenceId: 'seq-1',
      intent: 'question',
      confidence: 0.8,
      explanation: 'words',
      priority: 2,
      outcome: 'pause_and_task',
      status: 'open',
      createdAt: now(),
      dueAt: now(),
      ...fields,
    };
  }

  beforeAll(async () => {
    ({ db, url, name, stop: stopDb } = await startTestDatabase('websec'));
    for (const [email, role] of [
      ['alice@parley.test', 'admin'],
      ['bob@parley.test', 'rep'],
      ['eve@parley.test', 'rep'],
      ['carol@parley.test', 'rep'],
      ['dave@parley.test', 'rep'],
    ] as const) {
      await addRep(db, { email, name: email.split('@')[0] ?? email, role, password: REP_PASSWORD });
    }
    const contact = contactDoc('c-1', 'lee@lead.example');
    await db.contacts.insertOne(contact);
    await db.enrollments.insertOne(enrollmentDoc('e-1', contact, 'paused', 'seq-1'));
    await db.replies.insertOne(questionReply('mid:<r1@lead.example>', '<r1@lead.example>', 1, 'How much is it?'));
    await db.tasks.insertMany([
      task('reply:bobs', { assignee: 'bob@parley.test' }),
      task('reply:alices', { assignee: 'alice@parley.test' }),
      task('reply:open'),
    ]);
  });
  afterAll(async () => {
    for (const app of servers) await app.close();
    await stopDb?.();
  });

  it("refuses a CSRF token issued without a session, or to another rep's session, on a signed-in rep's POST", async () => {
    const app = await server();
    const bob = new Client(app);
    assert.equal((await bob.login('bob@parley.test')).statusCode, 303);
    const relabel = (client: Client, token: string) =>
      client.request('POST', '/api/tasks/reply:bobs/relabel', { json: { intent: 'not_now' }, headers: { 'x-csrf-token': token } });

    // The reproduction: an anonymous visitor's token, with its secret cookie planted in the rep's browser.
    const attacker = new Client(app, '203.0.113.9');
    const anonymousToken = await attacker.csrf('/login');
    const planted = new Client(app);
    for (const [k, v] of bob.cookies) planted.cookies.set(k, v);
    planted.cookies.set('parley_csrf', String(attacker.cookies.get('parley_csrf')));
    const forged = await relabel(planted, anonymousToken);
    assert.equal(forged.statusCode, 403);
    assert.equal(forged.json().error, 'csrf_invalid');

    // Another rep's token and secret, with bob's session.
    const eve = new Client(app, '203.0.113.10');
    assert.equal((await eve.login('eve@parley.test')).statusCode, 303);
    const evesToken = await eve.csrf('/');
    const crossed = new Client(app);
    for (const [k, v] of bob.cookies) crossed.cookies.set(k, v);
    crossed.cookies.set('parley_csrf', String(eve.cookies.get('parley_csrf')));
    assert.equal((await relabel(crossed, evesToken)).statusCode, 403);

    // A token from before the login no longer works after it: it was bound to no session.
    const before = new Client(app, '203.0.113.11');
    const loginPageToken = await before.csrf('/login');
    assert.equal(
      (await before.request('POST', '/login', { form: { email: 'bob@parley.test', password: REP_PASSWORD, _csrf: loginPageToken } }))
        .statusCode,
      303,
    );
    assert.equal((await relabel(before, loginPageToken)).statusCode, 403);

    assert.equal((await db.tasks.findOne({ _id: 'reply:bobs' }))?.intent, 'question');
    // Bob's own token, from a page of his session, works.
    const own = await relabel(bob, await bob.csrf('/'));
    assert.equal(own.statusCode, 200, own.body);
    assert.equal((await db.tasks.findOne({ _id: 'reply:bobs' }))?.intent, 'not_now');
  });

  it('names cookies __Host-… with Secure, Path=/ and no Domain when secure cookies are on, and reads no other name', async () => {
    const app = await server({ secureCookies: true });
    const client = new Client(app);
    const loginPage = await client.request('GET', '/login');
    const login = await client.login('alice@parley.test');
    assert.equal(login.statusCode, 303);
    const set = [...loginPage.cookies, ...login.cookies];
    for (const cookieName of ['__Host-parley_session', '__Host-parley_csrf', '__Host-parley_device']) {
      const cookie = set.find((c) => c.name === cookieName);
      assert.ok(cookie, `${cookieName} set`);
      assert.equal(cookie.secure, true);
      assert.equal(cookie.path, '/');
      assert.equal(cookie.domain, undefined);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
    }
    assert.deepEqual([...client.cookies.keys()].sort(), ['__Host-parley_csrf', '__Host-parley_device', '__Host-parley_session']);
    assert.equal((await client.request('GET', '/api/tasks')).statusCode, 200);
    // The same session under the unprefixed name (which a subdomain or plain-http page could plant) is no session.
    const unprefixed = new Client(app);
    unprefixed.cookies.set('parley_session', String(client.cookies.get('__Host-parley_session')));
    assert.equal((await unprefixed.request('GET', '/api/tasks')).statusCode, 401);
  });

  it("throttles logins per account with a growing wait, from any address, without stopping other reps, the rep's own browser, or the right password after the wait", async () => {
    const app = await server();
    let ip = 0;
    const fresh = () => new Client(app, `198.51.100.${++ip}`);
    const attempt = (email: string, password: string) => fresh().login(email, password);

    // Carol's own browser, which she logged in with before, carries a signed device token.
    const home = new Client(app, '192.0.2.50');
    assert.equal((await home.login('carol@parley.test')).statusCode, 303);
    assert.ok(home.cookies.get('parley_device'));

    for (let i = 1; i <= 5; i++) assert.equal((await attempt('carol@parley.test', WRONG)).statusCode, 401, `failure ${i}`);
    const held = await attempt('carol@parley.test', REP_PASSWORD);
    assert.equal(held.statusCode, 429);
    assert.equal(held.headers['retry-after'], '1');
    assert.match(held.body, /Too many failed logins for this address\. Wait 1 s/);
    // The guesses do not hold up her own browser: its attempts are counted on their own.
    assert.equal((await home.login('carol@parley.test')).statusCode, 303);
    // Another rep, from the very addresses the guesses came from, logs in at once; their browser's
    // device token does nothing for carol's account.
    ip = 0;
    const davesBrowser = fresh();
    assert.equal((await davesBrowser.login('dave@parley.test')).statusCode, 303);
    assert.equal((await davesBrowser.login('carol@parley.test')).statusCode, 429);

    // Each failure after the fifth doubles the wait: 1 s, 2 s, 4 s.
    const waits: string[] = [];
    for (let i = 0; i < 3; i++) {
      const refused = await attempt('carol@parley.test', WRONG);
      assert.equal(refused.statusCode, 429);
      waits.push(String(refused.headers['retry-after']));
      clock += Number(refused.headers['retry-after']) * 1000;
      assert.equal((await attempt('carol@parley.test', WRONG)).statusCode, 401);
    }
    assert.deepEqual(waits, ['1', '2', '4']);
    // Guesses sent together after the wait: one is tried, the others wait.
    const refused = await attempt('carol@parley.test', WRONG);
    assert.equal(refused.headers['retry-after'], '8');
    clock += 8000;
    const together = await Promise.all([0, 1, 2, 3].map(() => attempt('carol@parley.test', WRONG)));
    assert.deepEqual(together.map((r) => r.statusCode).sort(), [401, 429, 429, 429]);
    clock += 16_000;
    const back = await attempt('carol@parley.test', REP_PASSWORD);
    assert.equal(back.statusCode, 303, back.body);
    // A success starts over: the next mistake is not held up.
    assert.equal((await attempt('carol@parley.test', WRONG)).statusCode, 401);
    assert.equal((await attempt('carol@parley.test', REP_PASSWORD)).statusCode, 303);

    // An address no rep has gets the same answers, so they tell nothing about who is a rep.
    for (let i = 1; i <= 5; i++) assert.equal((await attempt('nobody@parley.test', WRONG)).statusCode, 401);
    const unknown = await attempt('nobody@parley.test', WRONG);
    assert.equal(unknown.statusCode, 429);
    assert.equal(unknown.headers['retry-after'], '1');
    assert.match(unknown.body, /Too many failed logins for this address\. Wait 1 s/);
  });

  it("counts the per-address login limit by the client's address behind a trusted proxy (WEB_TRUST_PROXY)", async () => {
    const app = await server({ trustProxy: ['127.0.0.1'] });
    const proxy = new Client(app, '127.0.0.1');
    const from = (client: string) => ({ 'x-forwarded-for': client });
    // Empty passwords: refused at once, but counted by the per-address limit all the same.
    const token = await proxy.csrf('/login');
    const post = (client: string) =>
      proxy.request('POST', '/login', { form: { email: 'x@parley.test', password: '', _csrf: token }, headers: from(client) });
    for (let i = 0; i < 30; i++) assert.equal((await post('192.0.2.1')).statusCode, 401, `attempt ${i + 1}`);
    const limited = await post('192.0.2.1');
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Another client behind the same proxy is not limited by it.
    assert.equal((await post('192.0.2.2')).statusCode, 401);
  });

  it('answers a claim on a task the rep may not view exactly as for a task that does not exist', async () => {
    const app = await server();
    const bob = new Client(app, '203.0.113.20');
    assert.equal((await bob.login('bob@parley.test')).statusCode, 303);
    const eve = await db.reps.findOne({ _id: 'eve@parley.test' });
    assert.ok(eve);
    assert.ok((await claimTask(db, 'reply:open', eve, now())).ok, 'eve holds the unassigned task');
    const token = await bob.csrf('/');
    const claim = (id: string) =>
      bob.request('POST', `/api/tasks/${encodeURIComponent(id)}/claim`, { json: {}, headers: { 'x-csrf-token': token } });
    const missing = await claim('reply:no-such-task');
    assert.equal(missing.statusCode, 404);
    for (const id of ['reply:alices', 'reply:open']) {
      const hidden = await claim(id);
      assert.equal(hidden.statusCode, 404, id);
      assert.deepEqual(hidden.json(), { ...missing.json(), message: missing.json().message.replace('reply:no-such-task', id) });
      assert.doesNotMatch(hidden.body, /@parley\.test/, 'no holder or assignee named');
    }
    // The form answers the same notice for both.
    const form = await bob.request('POST', '/tasks/reply:alices/claim', { form: { _csrf: token } });
    assert.equal(form.headers.location, `/tasks/${encodeURIComponent('reply:alices')}?notice=not_found`);
  });

  it('gives a reply with a 715-character Message-ID a task id of bounded length that the web and the CLI both open', async () => {
    const messageId = `<${'x'.repeat(696)}@lead.example.com>`;
    assert.equal(messageId.length, 715);
    const replyId = `mid:${messageId}`;
    await db.replies.insertOne(questionReply(replyId, messageId, 2, 'A long Message-ID, still a person.'));
    const source = {
      reply: { _id: replyId },
      enrollment: { _id: 'e-1', contactId: 'c-1', email: 'lee@lead.example', sequenceId: 'seq-1' },
      classification: { intent: 'question' as const, confidence: 0.8, explanation: 'words' },
      assignee: 'alice@parley.test',
      contact: null,
      outcome: 'pause_and_task',
    };
    const queued = await queueTaskForReply(db, source, now());
    assert.ok(queued);
    assert.ok(queued._id.length <= 200, `${queued._id.length} characters`);
    assert.equal((await queueTaskForReply(db, source, now()))?._id, queued._id, 'the same reply finds the same task');

    const app = await server();
    const alice = new Client(app, '203.0.113.30');
    assert.equal((await alice.login('alice@parley.test')).statusCode, 303);
    const inbox = await alice.request('GET', '/');
    const href = `/tasks/${encodeURIComponent(queued._id)}`;
    assert.ok(inbox.body.includes(`href="${href}"`), 'the inbox links to the task');
    const page = await alice.request('GET', href);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /A long Message-ID, still a person/);

    const shown = await runCli(['tasks', 'show', queued._id, '--as', 'alice@parley.test'], { MONGODB_URL: url, MONGODB_DB: name });
    assert.match(shown, /A long Message-ID, still a person/);
  });

  it('logs a rep in whose hash has the old scrypt parameters, and stores it again at N=2^17', async () => {
    await db.reps.insertOne({
      _id: 'olga@parley.test',
      name: 'Olga',
      role: 'rep',
      passwordHash: legacyPasswordHash(REP_PASSWORD),
      onDuty: true,
      lead: false,
      createdAt: now(),
    });
    const app = await server();
    const client = new Client(app, '203.0.113.40');
    assert.equal((await client.login('olga@parley.test', WRONG)).statusCode, 401);
    assert.match(
      (await db.reps.findOne({ _id: 'olga@parley.test' }))?.passwordHash ?? '',
      /^scrypt\$16384\$/,
      'a wrong password changes nothing',
    );
    assert.equal((await client.login('olga@parley.test')).statusCode, 303);
    const upgraded = (await db.reps.findOne({ _id: 'olga@parley.test' }))?.passwordHash ?? '';
    assert.match(upgraded, /^scrypt\$131072\$8\$1\$/);
    assert.equal((await new Client(app, '203.0.113.41').login('olga@parley.test')).statusCode, 303, 'the new hash verifies');
  });
});
