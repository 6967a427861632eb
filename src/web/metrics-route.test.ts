import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/index.ts';
import { createLogger, silentLogger } from '../logger.ts';
import { createWorkerMetrics } from '../monitoring/index.ts';
import { startTestDatabase } from '../db/testing.ts';
import { buildWebServer } from './index.ts';

const TOKEN = 'metrics-token-0123456789';

// GET /metrics through fastify.inject, on the real web server (its hooks, headers and logging).
describe('GET /metrics', () => {
  let db: Database;
  let stopDb: () => Promise<void>;
  const apps: FastifyInstance[] = [];
  const logLines: string[] = [];
  const metrics = createWorkerMetrics();
  metrics.stepSent('trial');

  async function server(options: { metricsToken?: string; withMetrics?: boolean; logged?: boolean } = {}) {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const logger = options.logged ? createLogger('info', sink).child({ component: 'web' }) : silentLogger();
    const app = buildWebServer({
      db,
      unsubscribeSecret: undefined,
      logger,
      ...(options.withMetrics !== false && { metrics }),
      metricsToken: options.metricsToken,
    });
    apps.push(app);
    await app.ready();
    return app;
  }

  beforeAll(async () => {
    ({ db, stop: stopDb } = await startTestDatabase('metrics'));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await stopDb?.();
  });

  it('serves the Prometheus text with the security headers every response has', async () => {
    const app = await server();
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], metrics.contentType);
    assert.match(response.body, /^parley_steps_sent_total\{sequence="trial"\} 1$/m);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('with a token, answers 401 with a Bearer challenge unless the request carries that token', async () => {
    const app = await server({ metricsToken: TOKEN });
    const refused = [
      undefined,
      'Bearer',
      'Bearer ',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`,
      TOKEN,
    ];
    for (const authorization of refused) {
      const response = await app.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
      assert.equal(response.statusCode, 401, String(authorization));
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="parley-metrics"');
      assert.doesNotMatch(response.body, /parley_/);
    }
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
      const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization } });
      assert.equal(response.statusCode, 200, authorization);
      assert.match(response.body, /^parley_steps_sent_total\{sequence="trial"\} 1$/m);
    }
  });

  it('is not there at all unless the worker gives the server its metrics', async () => {
    const app = await server({ withMetrics: false, metricsToken: TOKEN });
    const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.statusCode, 404);
  });

  it('logs refused scrapes, keeps good ones at debug, and never logs the token', async () => {
    const app = await server({ metricsToken: TOKEN, logged: true });
    await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } });
    const config = loadConfig({ METRICS_TOKEN: TOKEN });
    app.log.info({ config }, 'config');
    app.log.info({ web: config.web }, 'web config');
    const requests = logLines
      .map((l) => JSON.parse(l) as { msg: string; route?: string; status?: number })
      .filter((l) => l.msg === 'request');
    assert.deepEqual(
      requests.map((l) => [l.route, l.status]),
      [['/metrics', 401]],
    );
    const log = logLines.join('\n');
    assert.ok(!log.includes(TOKEN), 'the token reached the log');
    assert.match(log, /"metricsToken":"\[redacted\]"/);
  });
});
