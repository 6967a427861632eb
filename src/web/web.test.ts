import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.ts';
import { connectDatabase, type Database } from '../db/index.ts';
import { createLogger, silentLogger } from '../logger.ts';
import { unsubscribeToken } from '../optout/index.ts';
import { contactDoc, enrollmentDoc } from '../optout/testing.ts';
import { startTestDatabase } from '../db/testing.ts';
import { buildWebServer, startWebServer } from './index.ts';

const SECRET = 'web-test-secret-0123456789abcdefghijkl';
const NOW = new Date('2026-03-01T12:00:00Z');
const ONE_CLICK = { 'content-type': 'application/x-www-form-urlencoded' };

function assertSecurityHeaders(headers: Record<string, unknown>): void {
  assert.equal(
    headers['content-security-policy'],
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['cache-control'], 'no-store');
}

// Routes through fastify.inject against a real FerretDB (or MONGODB_URL), then one test over a socket.
describe('web server', () => {
  let db: Database;
  let url: string;
  let stopDb: () => Promise<void>;
  let app: FastifyInstance;
  const logLines: string[] = [];

  beforeAll(async () => {
    ({ db, url, stop: stopDb } = await startTestDatabase('web'));
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const logger = createLogger('info', sink).child({ component: 'web' });
    app = buildWebServer({ db, unsubscribeSecret: SECRET, logger, now: () => NOW });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await stopDb?.();
  });

  async function seed(id: string, email: string) {
    const contact = contactDoc(id, email);
    await db.contacts.insertOne(contact);
    await db.enrollments.insertMany([enrollmentDoc(`${id}-a`, contact, 'active'), enrollmentDoc(`${id}-p`, contact, 'paused')]);
    return { contact, token: unsubscribeToken(SECRET, id) };
  }
  const statuses = async (contactId: string) =>
    (await db.enrollments.find({ contactId }, { sort: { _id: 1 } }).toArray()).map((e) => [e.status, e.statusReason ?? null]);

  it('answers the health check with security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
    assertSecurityHeaders(response.headers);
  });

  it('GET shows a confirmation page and changes nothing (link scanners fetch every link)', async () => {
    const { token } = await seed('c-get', 'anna.lee@lead.example');
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await app.inject({ method, url: `/u/${token}` });
      assert.equal(response.statusCode, 200, method);
      assertSecurityHeaders(response.headers);
      assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
    }
    const page = (await app.inject({ method: 'GET', url: `/u/${token}` })).body;
    assert.match(page, /<h1>Unsubscribe a\*\*\*@lead\.example\?<\/h1>/);
    assert.match(page, /<form method="post">/);
    assert.doesNotMatch(page, /anna\.lee/);
    assert.equal((await db.contacts.findOne({ _id: 'c-get' }))?.suppressed, undefined);
    assert.deepEqual(await statuses('c-get'), [
      ['active', null],
      ['paused', null],
    ]);
  });

  it('POST one-click (RFC 8058) suppresses the contact and stops its enrollments, once', async () => {
    const { token } = await seed('c-post', 'kim@lead.example');
    const response = await app.inject({ method: 'POST', url: `/u/${token}`, headers: ONE_CLICK, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(response.statusCode, 200);
    assertSecurityHeaders(response.headers);
    assert.match(response.body, /You are unsubscribed/);
    assert.deepEqual((await db.contacts.findOne({ _id: 'c-post' }))?.suppressed, { reason: 'unsubscribe', at: NOW, source: 'link' });
    assert.deepEqual(await statuses('c-post'), [
      ['stopped', 'unsubscribed (link)'],
      ['stopped', 'unsubscribed (link)'],
    ]);

    const again = await app.inject({ method: 'POST', url: `/u/${token}`, headers: ONE_CLICK, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(again.statusCode, 200);
    const page = await app.inject({ method: 'GET', url: `/u/${token}` });
    assert.match(page.body, /Already unsubscribed/);
    assert.doesNotMatch(page.body, /<form/);
  });

  it('POST works as multipart/form-data (RFC 8058 example) and as the bare form button', async () => {
    const multipart = await seed('c-multi', 'multi@lead.example');
    const boundary = '---FormBoundaryjWmhtjORrn';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const response = await app.inject({
      method: 'POST',
      url: `/u/${multipart.token}`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    assert.equal(response.statusCode, 200);
    assert.equal((await db.contacts.findOne({ _id: 'c-multi' }))?.suppressed?.source, 'link');

    const bare = await seed('c-bare', 'bare@lead.example');
    assert.equal((await app.inject({ method: 'POST', url: `/u/${bare.token}` })).statusCode, 200);
    assert.deepEqual(await statuses('c-bare'), [
      ['stopped', 'unsubscribed (link)'],
      ['stopped', 'unsubscribed (link)'],
    ]);
  });

  it('answers 404 for a bad or foreign token and writes nothing', async () => {
    const { token } = await seed('c-bad', 'bad@lead.example');
    const foreign = unsubscribeToken(`${SECRET}-other`, 'c-bad');
    for (const path of [`/u/${token.slice(0, -2)}`, `/u/${foreign}`, '/u/not-a-token', `/u/${'x'.repeat(550)}`, '/nowhere']) {
      for (const method of ['GET', 'POST'] as const) {
        const response = await app.inject({ method, url: path, headers: ONE_CLICK, payload: 'List-Unsubscribe=One-Click' });
        assert.equal(response.statusCode, 404, `${method} ${path}`);
        assertSecurityHeaders(response.headers);
        assert.match(response.body, /This link is not valid/);
      }
    }
    // Answered by the router before any hook or handler runs: still the same page and headers.
    for (const [path, status] of [
      [`/u/${'x'.repeat(700)}`, 414],
      ['/u/%zz', 400],
    ] as const) {
      const response = await app.inject({ method: 'POST', url: path });
      assert.equal(response.statusCode, status, path);
      assertSecurityHeaders(response.headers);
      assert.match(response.body, /Request not accepted/);
    }
    assert.equal((await db.contacts.findOne({ _id: 'c-bad' }))?.suppressed, undefined);
    assert.deepEqual(await statuses('c-bad'), [
      ['active', null],
      ['paused', null],
    ]);
  });

  it('escapes a hostile stored address on every page', async () => {
    const script = await seed('c-xss1', '"<script>"@x.example');
    const img = await seed('c-xss2', 'a@"><img src=x onerror=alert(1)>.example');
    for (const { token } of [script, img]) {
      for (const method of ['GET', 'POST'] as const) {
        const { body } = await app.inject({ method, url: `/u/${token}` });
        assert.doesNotMatch(body, /<script|<img|onerror=alert\(1\)>/i, body);
      }
    }
    assert.match((await app.inject({ method: 'GET', url: `/u/${script.token}` })).body, /&quot;\*\*\*@x\.example/);
    assert.match(
      (await app.inject({ method: 'GET', url: `/u/${img.token}` })).body,
      /a\*\*\*@&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;\.example/,
    );
  });

  it('tells a contact deleted since the mail went out that nothing more will come', async () => {
    const token = unsubscribeToken(SECRET, 'c-deleted');
    for (const method of ['GET', 'POST'] as const) {
      const response = await app.inject({ method, url: `/u/${token}` });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /This address will get no more emails/);
    }
    assert.equal(await db.contacts.countDocuments({ _id: 'c-deleted' }), 0);
  });

  it('refuses an oversized body with its status and no details', async () => {
    const { token } = await seed('c-big', 'big@lead.example');
    const response = await app.inject({
      method: 'POST',
      url: `/u/${token}`,
      headers: ONE_CLICK,
      payload: `List-Unsubscribe=${'x'.repeat(20_000)}`,
    });
    assert.equal(response.statusCode, 413);
    assertSecurityHeaders(response.headers);
    assert.match(response.body, /Request not accepted/);
    assert.doesNotMatch(response.body, /FST_|Error|\n\s+at /);
    assert.equal((await db.contacts.findOne({ _id: 'c-big' }))?.suppressed, undefined);
  });

  it('answers a database outage with a generic 500 page, no stack trace', async () => {
    const { token } = await seed('c-down', 'down@lead.example');
    const closed = await connectDatabase(url, db.db.databaseName);
    await closed.close();
    const broken = buildWebServer({ db: closed, unsubscribeSecret: SECRET, logger: silentLogger() });
    try {
      const response = await broken.inject({
        method: 'POST',
        url: `/u/${token}`,
        headers: ONE_CLICK,
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(response.statusCode, 500);
      assertSecurityHeaders(response.headers);
      assert.match(response.body, /Something went wrong/);
      assert.doesNotMatch(response.body, /Mongo|closed|at .*\.ts|node_modules/i);
    } finally {
      await broken.close();
    }
  });

  it('answers 404 to every link when no secret is configured', async () => {
    const { token } = await seed('c-nosecret', 'nosecret@lead.example');
    const unconfigured = buildWebServer({ db, unsubscribeSecret: undefined, logger: silentLogger() });
    try {
      assert.equal((await unconfigured.inject({ method: 'POST', url: `/u/${token}` })).statusCode, 404);
      assert.equal((await unconfigured.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    } finally {
      await unconfigured.close();
    }
    assert.equal((await db.contacts.findOne({ _id: 'c-nosecret' }))?.suppressed, undefined);
  });

  it('logs route patterns, never a token or the signing key', async () => {
    const token = unsubscribeToken(SECRET, 'c-post');
    await app.inject({ method: 'GET', url: `/u/${token}` });
    const config = loadConfig({ UNSUBSCRIBE_SECRET: SECRET, PUBLIC_BASE_URL: 'https://parley.example.com' });
    app.log.info({ config }, 'config');
    app.log.info({ web: config.web }, 'web config');
    const log = logLines.join('\n');
    assert.match(log, /"route":"\/u\/:token"/);
    assert.match(log, /"msg":"contact unsubscribed by link"/);
    assert.ok(!log.includes(token.split('.')[1] ?? 'unreachable'), 'a token reached the log');
    assert.ok(!log.includes(SECRET), 'the secret reached the log');
    assert.match(log, /"unsubscribeSecret":"\[redacted\]"/);
  });
});

describe('web server on a socket', () => {
  let db: Database;
  let stopDb: () => Promise<void>;
  let app: FastifyInstance | undefined;

  beforeAll(async () => {
    ({ db, stop: stopDb } = await startTestDatabase('websock'));
  });
  afterAll(async () => {
    await app?.close();
    await stopDb?.();
  });

  it('serves the health check and a one-click POST over HTTP', async () => {
    const contact = contactDoc('c-sock', 'sock@lead.example');
    await db.contacts.insertOne(contact);
    await db.enrollments.insertOne(enrollmentDoc('e-sock', contact, 'active'));
    app = buildWebServer({ db, unsubscribeSecret: SECRET, logger: silentLogger() });
    const base = await startWebServer(app, { host: '127.0.0.1', port: 0 });
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.equal(health.headers.get('x-content-type-options'), 'nosniff');

    const response = await fetch(`${base}/u/${unsubscribeToken(SECRET, 'c-sock')}`, {
      method: 'POST',
      headers: ONE_CLICK,
      body: 'List-Unsubscribe=One-Click',
      redirect: 'error',
    });
    assert.equal(response.status, 200);
    await response.text();
    assert.equal((await db.contacts.findOne({ _id: 'c-sock' }))?.suppressed?.source, 'link');
    assert.equal((await db.enrollments.findOne({ _id: 'e-sock' }))?.status, 'stopped');
  });
});
