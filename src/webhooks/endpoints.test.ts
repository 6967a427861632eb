import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { isParleyError } from '../errors.ts';
import { formatProblem } from '../sequences/index.ts';
import { parseWebhookEndpoints } from './endpoints.ts';

const SECRET = 's'.repeat(40);
const file = (url: string, secretEnv = 'CRM_SECRET', events = '[interested, qualified]') =>
  `endpoints:\n  - id: crm\n    url: ${url}\n    events: ${events}\n    secret_env: ${secretEnv}\n`;

describe('the webhooks file', () => {
  it('reads endpoints with their events and the secret from the environment', () => {
    const result = parseWebhookEndpoints(file('https://crm.example/hook'), 'webhooks.yaml', {
      env: { CRM_SECRET: SECRET },
      allowHttp: false,
    });
    assert.ok(result.ok);
    assert.equal(result.endpoints[0]?.secret, SECRET);
    assert.deepEqual([...(result.endpoints[0]?.events ?? [])], ['interested', 'qualified']);
  });

  it('names file, line and field for http without the dev setting, an unknown event, a missing or short secret; never the secret', () => {
    const problems = (source: string, env: Record<string, string>) => {
      const r = parseWebhookEndpoints(source, 'webhooks.yaml', { env, allowHttp: false });
      assert.ok(!r.ok);
      return r.problems.map(formatProblem);
    };
    assert.match(
      problems(file('http://crm.example/hook'), { CRM_SECRET: SECRET }).join('\n'),
      /^webhooks\.yaml:3:10 endpoints\[0\]\.url: must be https/m,
    );
    assert.match(
      problems(file('https://x.example', 'CRM_SECRET', '[intrested]'), { CRM_SECRET: SECRET }).join('\n'),
      /webhooks\.yaml:4:\d+ endpoints\[0\]\.events\[0\]: one of reply/,
    );
    assert.match(
      problems(file('https://x.example'), {}).join('\n'),
      /webhooks\.yaml:5:17 endpoints\[0\]\.secret_env: environment variable CRM_SECRET is not set/,
    );
    const short = problems(file('https://x.example'), { CRM_SECRET: 'tooshort-secret' }).join('\n');
    assert.match(short, /fewer than 32 characters/);
    assert.doesNotMatch(short, /tooshort-secret/);
    const http = parseWebhookEndpoints(file('http://127.0.0.1:9/hook'), 'w.yaml', { env: { CRM_SECRET: SECRET }, allowHttp: true });
    assert.ok(http.ok);
  });
});

describe('WEBHOOKS_FILE at start', () => {
  it('loadConfig reads the endpoints, and refuses a bad file with every problem by file:line, never echoing a secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-webhooks-file-'));
    try {
      const path = join(dir, 'webhooks.yaml');
      await writeFile(path, file('https://crm.example/hook'));
      const config = loadConfig({ WEBHOOKS_FILE: path, CRM_SECRET: SECRET });
      assert.deepEqual(
        config.webhooks.endpoints.map((e) => [e.id, e.url]),
        [['crm', 'https://crm.example/hook']],
      );
      await writeFile(path, file('http://crm.example/hook', 'CRM_SECRET', '[interested, everything]'));
      assert.throws(
        () => loadConfig({ WEBHOOKS_FILE: path, CRM_SECRET: 'short-secret-value' }),
        (error: unknown) => {
          assert.ok(isParleyError(error, 'CONFIG_INVALID'));
          assert.match(error.message, new RegExp(`${path}:3:10 endpoints\\[0\\]\\.url: must be https`));
          assert.match(error.message, /endpoints\[0\]\.events\[1\]/);
          assert.match(error.message, /CRM_SECRET holds fewer than 32 characters/);
          assert.doesNotMatch(error.message, /short-secret-value/);
          return true;
        },
      );
      assert.throws(() => loadConfig({ WEBHOOKS_FILE: join(dir, 'missing.yaml') }), /missing\.yaml, which cannot be read \(ENOENT\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
