import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
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
