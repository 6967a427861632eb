import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { isParleyError } from '../errors.ts';

describe('web settings', () => {
  it('defaults to loopback:8080 with no links and no key', () => {
    const { web } = loadConfig({});
    assert.deepEqual(
      { ...web },
      {
        host: '127.0.0.1',
        port: 8080,
        publicBaseUrl: undefined,
        secureCookies: true,
        trustProxy: false,
        unsubscribeSecret: undefined,
        sessionSecret: undefined,
        eventsApiToken: undefined,
        eventsApiRatePerMinute: 600,
        metricsToken: undefined,
      },
    );
    assert.ok(Object.isFrozen(web));
    assert.equal(loadConfig({ WEB_PORT: '0' }).web.port, 0);
  });

  it('takes an https base URL (trailing slash dropped), or http on loopback only', () => {
    assert.equal(loadConfig({ PUBLIC_BASE_URL: 'https://parley.example.com/' }).web.publicBaseUrl, 'https://parley.example.com');
    assert.equal(loadConfig({ PUBLIC_BASE_URL: 'https://example.com/parley' }).web.publicBaseUrl, 'https://example.com/parley');
    assert.equal(loadConfig({ PUBLIC_BASE_URL: 'http://localhost:8080' }).web.publicBaseUrl, 'http://localhost:8080');
    for (const bad of [
      'http://parley.example.com',
      'https://parley.example.com/?a=1',
      'https://parley.example.com/#x',
      'ftp://x.example',
      'parley.example.com',
      'https://user:pw@x.example',
    ]) {
      assert.throws(() => loadConfig({ PUBLIC_BASE_URL: bad }), /PUBLIC_BASE_URL/, bad);
    }
  });

  it('takes a metrics token of 16+ characters, optional, and never echoes it', () => {
    const token = 't'.repeat(16);
    assert.equal(loadConfig({ METRICS_TOKEN: token }).web.metricsToken, token);
    assert.throws(
      () => loadConfig({ METRICS_TOKEN: 'hunter2-short' }),
      (error: unknown) => {
        assert.ok(isParleyError(error, 'CONFIG_INVALID'));
        assert.match(error.message, /METRICS_TOKEN: at least 16 characters/);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  it('wants a signing key of 32+ characters and never echoes it', () => {
    const key = 'k'.repeat(32);
    assert.equal(loadConfig({ UNSUBSCRIBE_SECRET: key }).web.unsubscribeSecret, key);
    assert.throws(
      () => loadConfig({ UNSUBSCRIBE_SECRET: 'hunter2-too-short', WEB_PORT: '70000' }),
      (error: unknown) => {
        assert.ok(isParleyError(error, 'CONFIG_INVALID'));
        assert.match(error.message, /UNSUBSCRIBE_SECRET: at least 32 characters/);
        assert.match(error.message, /WEB_PORT/);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  it('marks cookies Secure (__Host- names) unless WEB_SECURE_COOKIES=false', () => {
    assert.equal(loadConfig({}).web.secureCookies, true);
    assert.equal(loadConfig({ WEB_SECURE_COOKIES: 'false' }).web.secureCookies, false);
    // No longer inferred from the base URL: plain-http local development keeps Secure cookies.
    assert.equal(loadConfig({ PUBLIC_BASE_URL: 'http://localhost:8080' }).web.secureCookies, true);
    assert.throws(() => loadConfig({ WEB_SECURE_COOKIES: 'maybe' }), /WEB_SECURE_COOKIES/);
  });

  it('takes WEB_TRUST_PROXY as false, true, a hop count or proxy addresses and ranges, as Fastify does', () => {
    const trust = (value: string) => loadConfig({ WEB_TRUST_PROXY: value }).web.trustProxy;
    assert.equal(trust('false'), false);
    assert.equal(trust('0'), false);
    assert.equal(trust('true'), true);
    assert.equal(trust('2'), 2);
    assert.deepEqual(trust('10.0.0.0/8, 192.168.1.7,::1,fd00::/8,loopback'), ['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8', 'loopback']);
    assert.ok(Object.isFrozen(trust('127.0.0.1')));
    for (const bad of ['yes please', '10.0.0.0/33', '::1/129', '300.1.1.1', 'proxy.example.com', '1.2.3.4/8/1', '-1']) {
      assert.throws(() => loadConfig({ WEB_TRUST_PROXY: bad }), /WEB_TRUST_PROXY/, bad);
    }
    // An empty value is an unset one: the default.
    assert.equal(loadConfig({ WEB_TRUST_PROXY: '' }).web.trustProxy, false);
  });
});
