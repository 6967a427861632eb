import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';
import { isParleyError } from './errors.ts';

describe('loadConfig', () => {
  it('reads a setting from a mounted file named by <NAME>_FILE, and says which file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    try {
      const secret = join(dir, 'smtp_pass');
      writeFileSync(secret, 's3cret-from-a-file\n');
      const config = loadConfig({ SMTP_USER: 'parley', SMTP_PASS_FILE: secret });
      assert.equal(config.smtp.auth?.pass, 's3cret-from-a-file');
      assert.throws(() => loadConfig({ SMTP_PASS: 'x', SMTP_PASS_FILE: secret }), /both SMTP_PASS and SMTP_PASS_FILE/);
      assert.throws(
        () => loadConfig({ SMTP_PASS_FILE: join(dir, 'missing') }),
        (error: unknown) =>
          isParleyError(error) && /SMTP_PASS_FILE names .*missing.*ENOENT/.test(error.message) && !error.message.includes('s3cret'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies documented defaults and requires TLS for mail unless told otherwise', () => {
    const config = loadConfig({});
    assert.equal(config.smtp.port, 587);
    assert.equal(config.smtp.requireTLS, true);
    assert.equal(config.imap.secure, true);
    assert.equal(config.mongo.database, 'parley');
    assert.equal(config.shutdownTimeoutMs, 30_000);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.smtp));
  });

  it('reads SHUTDOWN_TIMEOUT_MS in milliseconds and refuses what is not a positive integer', () => {
    assert.equal(loadConfig({ SHUTDOWN_TIMEOUT_MS: '10000' }).shutdownTimeoutMs, 10_000);
    assert.throws(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '0' }), /SHUTDOWN_TIMEOUT_MS/);
    assert.throws(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: 'soon' }), /SHUTDOWN_TIMEOUT_MS/);
  });

  it('reads MONGODB_CONNECT_TIMEOUT_MS (10 s by default) and refuses waits under 100 ms or over 5 minutes', () => {
    assert.equal(loadConfig({}).mongo.connectTimeoutMs, 10_000);
    assert.equal(loadConfig({ MONGODB_CONNECT_TIMEOUT_MS: '2500' }).mongo.connectTimeoutMs, 2_500);
    for (const bad of ['50', '300001', 'soon']) {
      assert.throws(() => loadConfig({ MONGODB_CONNECT_TIMEOUT_MS: bad }), /MONGODB_CONNECT_TIMEOUT_MS/);
    }
  });

  it('lets a local development setting turn TLS off', () => {
    const config = loadConfig({ PARLEY_INSECURE_LOCAL_MAIL: 'true', IMAP_SECURE: 'false' });
    assert.equal(config.smtp.requireTLS, false);
    assert.equal(config.imap.requireTLS, false);
  });

  it('names every bad variable without echoing its value', () => {
    assert.throws(
      () => loadConfig({ SMTP_PORT: 'seventy', MONGODB_URL: 'postgres://user:hunter2@db', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(isParleyError(error, 'CONFIG_INVALID'));
        assert.match(error.message, /SMTP_PORT/);
        assert.match(error.message, /MONGODB_URL/);
        assert.match(error.message, /LOG_LEVEL/);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  it('refuses half-given credentials and a lease shorter than two SMTP timeouts', () => {
    assert.throws(() => loadConfig({ SMTP_USER: 'dana' }), /SMTP_USER and SMTP_PASS/);
    assert.throws(() => loadConfig({ SMTP_TIMEOUT_MS: '10000', SEND_LEASE_MS: '15000' }), /SEND_LEASE_MS/);
  });
});
