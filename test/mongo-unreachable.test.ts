import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startCli } from './support/worker-process.ts';

/** A loopback port nothing listens on: bound once to find it, then closed (connections are refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface LogLine {
  level: number;
  time: number;
  msg: string;
  code?: string;
}

// `parley worker` as ops start it, against a MongoDB that is not there: one JSON line naming the
// setting to fix, within MONGODB_CONNECT_TIMEOUT_MS, and never the password in the URL.
describe('parley worker with MongoDB unreachable at start', () => {
  const timeoutMs = 1_500;

  for (const [name, credentials] of [
    ['without credentials', ''],
    ['with a password in MONGODB_URL', 'parley:S3cret-in-the-url@'],
  ] as const) {
    it(`exits non-zero with one fatal JSON line naming MONGODB_URL, ${name}`, async () => {
      const url = `mongodb://${credentials}127.0.0.1:${await closedPort()}/?authSource=admin`;
      const worker = startCli(['worker'], {
        MONGODB_URL: url,
        MONGODB_CONNECT_TIMEOUT_MS: String(timeoutMs),
        SEQUENCES_DIR: 'test/fixtures/sequences',
        WEB_PORT: '0',
        LOG_LEVEL: 'info',
      });
      const code = await worker.exited;
      const output = worker.output();
      assert.equal(code, 1, output);

      const lines = output.split('\n').filter((l) => l.trim() !== '');
      const parsed = lines.map((l) => JSON.parse(l) as LogLine); // every line is JSON: no plain-text stack
      const fatal = parsed.filter((l) => l.level === 60);
      assert.equal(fatal.length, 1, output);
      assert.equal(fatal[0]?.code, 'DATABASE_UNREACHABLE', output);
      assert.match(fatal[0]?.msg ?? '', /check MONGODB_URL/);
      assert.match(fatal[0]?.msg ?? '', new RegExp(`within ${timeoutMs} ms`));
      // Timed from the line logged just before connecting (the sequences loaded), so the CLI's own
      // start on a busy machine does not count: the configured wait, not the 10 s default.
      const waited = (fatal[0]?.time ?? 0) - (parsed[0]?.time ?? 0);
      assert.notEqual(parsed[0], fatal[0], output);
      assert.ok(waited >= timeoutMs && waited < timeoutMs + 2_000, `gave up after ${waited} ms:\n${output}`);
      assert.doesNotMatch(output, /\n\s+at /, 'no stack trace for a setting to fix');
      assert.ok(!output.includes('S3cret-in-the-url'), `the password never reaches the log:\n${output}`);
    });
  }
});
