import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { buildWebServer, type WebServerOptions } from '../web/index.ts';
import { imapCheck, mongoCheck, readinessOf, smtpCheck } from './readiness.ts';

describe('readiness checks', () => {
  it('is ready only when every check is ok; a check that throws or hangs is not ok', async () => {
    const ready = readinessOf({ a: async () => ({ ok: true }), b: async () => ({ ok: true }) });
    assert.deepEqual(await ready(), { ready: true, checks: { a: { ok: true }, b: { ok: true } } });
    const notReady = readinessOf(
      {
        fine: async () => ({ ok: true }),
        throws: async () => Promise.reject(new Error('mongodb://user:hunter2@db')),
        hangs: () => new Promise(() => undefined),
      },
      50,
    );
    const result = await notReady();
    assert.equal(result.ready, false);
    assert.deepEqual(result.checks, {
      fine: { ok: true },
      throws: { ok: false, detail: 'check failed' },
      hangs: { ok: false, detail: 'no answer within 50 ms' },
    });
  });

  it('says when a check starts failing, with why, and when it passes again, once per change', async () => {
    let up = true;
    const changes: string[] = [];
    const ready = readinessOf(
      { db: async () => (up ? { ok: true } : { ok: false, detail: 'ping failed (ECONNREFUSED)' }) },
      50,
      (name, result) => changes.push(`${name} ${result.ok ? 'ok' : `failed: ${result.detail}`}`),
    );
    await ready();
    up = false;
    await ready();
    await ready();
    up = true;
    await ready();
    await ready();
    assert.deepEqual(changes, ['db failed: ping failed (ECONNREFUSED)', 'db ok']);
  });

  it('reports error codes, never error messages (they can hold hosts and credentials)', async () => {
    const failing = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:27017 mongodb://user:hunter2@db'), {
      name: 'MongoServerSelectionError',
    });
    assert.deepEqual(await mongoCheck({ command: () => Promise.reject(failing) })(), {
      ok: false,
      detail: 'ping failed (MongoServerSelectionError)',
    });
    assert.deepEqual(await mongoCheck({ command: async () => ({ ok: 1 }) })(), { ok: true });
    const auth = new Error('The SMTP server refused the message (535): Invalid login for dana@example.com', {
      cause: Object.assign(new Error('Invalid login: 535 dana@example.com'), { code: 'EAUTH', responseCode: 535 }),
    });
    const smtp = await smtpCheck({ verify: () => Promise.reject(auth) })();
    assert.deepEqual(smtp, { ok: false, detail: 'cannot connect or verify (535): check SMTP_HOST, SMTP_PORT and SMTP_SECURE' });
    // A refused login as the transport reports it: the setting to fix, in plain words, and no user name.
    const refused = new ParleyError(
      ErrorCodes.SMTP_LOGIN_REFUSED,
      'The SMTP server refused the login (535): check SMTP_USER and SMTP_PASS.',
      {
        cause: Object.assign(new Error('Invalid login: 535 dana@example.com'), { code: 'EAUTH', responseCode: 535 }),
      },
    );
    assert.deepEqual(await smtpCheck({ verify: () => Promise.reject(refused) })(), {
      ok: false,
      detail: 'login refused (535): check SMTP_USER and SMTP_PASS',
    });
  });

  it('verifies SMTP once per TTL, sharing the answer between probes', async () => {
    let calls = 0;
    const check = smtpCheck({ verify: async () => void calls++ }, 60_000);
    await Promise.all([check(), check(), check()]);
    assert.deepEqual(await check(), { ok: true });
    assert.equal(calls, 1);
    const short = smtpCheck({ verify: async () => void calls++ }, 0);
    await short();
    await short();
    assert.equal(calls, 3);
  });

  it('counts a standby poller (another worker holds the mailbox lease) as ok', async () => {
    assert.deepEqual(await imapCheck({ connected: true })(), { ok: true });
    assert.equal((await imapCheck({ connected: false, standby: true })()).ok, true);
    assert.deepEqual(await imapCheck({ connected: false, standby: false })(), { ok: false, detail: 'no IMAP session (reconnecting)' });
    assert.equal((await imapCheck({ connected: false })()).ok, false);
  });
});

describe('GET /readyz', () => {
  const serve = (ready: boolean) => {
    const lines: Array<{ level: number; route?: string; status?: number }> = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) =>
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { level: number }),
      ),
    );
    const app = buildWebServer({
      // /readyz reads no collection.
      db: {} as WebServerOptions['db'],
      unsubscribeSecret: undefined,
      logger: createLogger('debug', sink),
      readiness: async () => ({ ready, checks: { imap: ready ? { ok: true } : { ok: false, detail: 'no IMAP session (reconnecting)' } } }),
    });
    return { app, lines };
  };

  it('answers 200 with the checks when ready, 503 when not, and logs a 200 at debug', async () => {
    const up = serve(true);
    const ok = await up.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { ready: true, checks: { imap: { ok: true } } });
    assert.equal(ok.headers['cache-control'], 'no-store');
    assert.deepEqual(
      up.lines.filter((l) => l.route === '/readyz').map((l) => [l.level, l.status]),
      [[20, 200]],
    );
    await up.app.close();

    const down = serve(false);
    const unavailable = await down.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(unavailable.statusCode, 503);
    assert.deepEqual(unavailable.json(), { ready: false, checks: { imap: { ok: false, detail: 'no IMAP session (reconnecting)' } } });
    assert.deepEqual(
      down.lines.filter((l) => l.route === '/readyz').map((l) => [l.level, l.status]),
      [[30, 503]],
    );
    await down.app.close();
  });

  it('is absent when no readiness is given', async () => {
    const app = buildWebServer({ db: {} as WebServerOptions['db'], unsubscribeSecret: undefined, logger: createLogger('silent') });
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 404);
    await app.close();
  });
});
