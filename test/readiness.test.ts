import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { freePort } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { createLogger, silentLogger } from '../src/logger.ts';
import { loadSequenceFile } from '../src/sequences/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { killAllCli, startCli } from './support/worker-process.ts';

interface ReadyBody {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

const readyz = async (base: string): Promise<{ status: number; body: ReadyBody; text: string } | undefined> => {
  try {
    const response = await fetch(`${base}/readyz`);
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as ReadyBody, text };
  } catch {
    return undefined; // not listening yet
  }
};

// /readyz against real servers, and `parley worker`'s bounded shutdown as a real process.
// The Dovecot test stops the mailbox, so it runs last.
describe('readiness and shutdown', () => {
  let services: TestServices;
  let db: Database;

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
  });
  afterAll(async () => {
    await killAllCli();
    await db?.close();
    await services?.stop();
  });

  it('a busy WEB_PORT stops the start before the mailbox lease is taken, in one JSON line naming the setting', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const leasesBefore = await db.mailboxLeases.countDocuments({});
      const worker = startCli(['worker'], services.env({ WEB_PORT: String(port), LOG_LEVEL: 'info' }));
      assert.equal(await worker.exited, 1, worker.output());
      const lines = worker
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string; code?: string });
      const fatal = lines.filter((l) => l.level === 60);
      assert.equal(fatal.length, 1, worker.output());
      assert.match(fatal[0]?.msg ?? '', new RegExp(`WEB_PORT ${port} is in use \\(EADDRINUSE\\): free the port or set WEB_PORT`));
      assert.equal(fatal[0]?.code, 'CONFIG_INVALID');
      assert.doesNotMatch(worker.output(), /\n\s+at /, 'no stack trace for a setting to fix');
      // Nothing shared was taken first: no lease, so the next worker need not wait for one to run out.
      assert.ok(!lines.some((l) => l.msg === 'mailbox lease taken'), worker.output());
      assert.equal(await db.mailboxLeases.countDocuments({}), leasesBefore);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('an SMTP server that cannot be reached is said at start, in plain words naming the settings', async () => {
    const closed = await freePort(); // nothing listens there
    const worker = startCli(['worker'], services.env({ SMTP_PORT: String(closed), WEB_PORT: '0', LOG_LEVEL: 'info' }));
    try {
      const line = await eventually(
        'the start-up warning about SMTP',
        async () =>
          worker
            .output()
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as { level: number; msg: string; check?: string })
            .find((l) => l.check === 'smtp'),
        30_000,
      );
      assert.equal(line.level, 40, worker.output());
      assert.match(line.msg, /SMTP server not usable: cannot connect or verify \(E[A-Z]+\): check SMTP_HOST, SMTP_PORT and SMTP_SECURE/);
    } finally {
      // Hands its mailbox lease over, so the next test's worker need not wait for it.
      await worker.kill('SIGTERM');
    }
  });

  it('parley worker exits with 0 soon after SIGTERM', async () => {
    const port = await freePort();
    const worker = startCli(['worker'], services.env({ WEB_PORT: String(port), SHUTDOWN_TIMEOUT_MS: '10000' }));
    await eventually(
      'the worker process is ready',
      async () => ((await readyz(`http://127.0.0.1:${port}`))?.status === 200 ? true : undefined),
      30_000,
    );
    const began = Date.now();
    const code = await worker.kill('SIGTERM');
    const tookMs = Date.now() - began;
    assert.equal(code, 0, `clean exit on SIGTERM:\n${worker.output()}`);
    assert.ok(tookMs < 10_000, `exited within SHUTDOWN_TIMEOUT_MS (took ${tookMs} ms)`);
    console.log(`# SIGTERM to exit: ${tookMs} ms`);
  });

  it('parley worker gives up after SHUTDOWN_TIMEOUT_MS, says what was still running and exits with 1', async () => {
    const loaded = await loadSequenceFile('test/fixtures/sequences/quick-follow-up.yaml');
    assert.ok(loaded.ok);
    const port = await freePort();
    const worker = startCli(
      ['worker'],
      services.env({
        SEQUENCES_DIR: 'test/fixtures/sequences',
        WEB_PORT: String(port),
        SHUTDOWN_TIMEOUT_MS: '1000',
        // It exits without handing the mailbox lease over: let the next worker take it soon.
        IMAP_LEASE_MS: '2000',
        SMTP_TIMEOUT_MS: '20000',
        SEND_LEASE_MS: '60000',
        LOG_LEVEL: 'info',
      }),
    );
    await eventually(
      'the worker process is ready',
      async () => ((await readyz(`http://127.0.0.1:${port}`))?.status === 200 ? true : undefined),
      30_000,
    );
    // The next message stalls before the SMTP server's 250: a send that outlasts the bound.
    const held = services.sink.holdNext('data', 15_000);
    await enrollContacts(db, loaded.sequence, [{ email: 'slow-send@lead.example' }]);
    await held;
    const began = Date.now();
    const code = await worker.kill('SIGTERM');
    const tookMs = Date.now() - began;
    assert.equal(code, 1, worker.output());
    // Well before the held send (15 s) or the SMTP timeout (20 s) would end it; a loaded machine adds seconds to the exit.
    assert.ok(tookMs >= 1000 && tookMs < 10_000, `gave up at the bound (took ${tookMs} ms)`);
    const line = worker
      .output()
      .split('\n')
      .filter((l) => l.includes('shutdown timed out'))
      .map((l) => JSON.parse(l) as { stillRunning?: string[] })[0];
    assert.ok(line, worker.output());
    assert.ok(
      line.stillRunning?.some((part) => part.includes('send-due-steps')),
      JSON.stringify(line),
    );
  });

  it('a refused IMAP login is said once, in plain words, in the log and in /readyz, and retried with back-off', async () => {
    let logged = '';
    const sink = { write: (chunk: string) => ((logged += chunk), true) } as unknown as NodeJS.WritableStream;
    const worker = await startWorker({
      config: services.config({ WEB_PORT: String(await freePort()), IMAP_PASS: 'not-the-password', IMAP_LEASE_MS: '2000' }),
      logger: createLogger('info', sink),
    });
    try {
      const refused = await eventually('/readyz names the refused login', async () => {
        const answer = await readyz(worker.webUrl ?? '');
        return answer?.body.checks.imap?.detail?.includes('login refused') ? answer : undefined;
      });
      assert.equal(refused.status, 503);
      assert.equal(refused.body.checks.imap?.detail, 'no IMAP session (login refused: check IMAP_USER and IMAP_PASS; reconnecting)');
      // Two more refusals at least, each said once per streak.
      await eventually('three refused attempts', async () =>
        (logged.match(/"IMAP reconnect scheduled"/g) ?? []).length >= 3 ? true : undefined,
      );
      assert.equal((logged.match(/IMAP login refused: check IMAP_USER and IMAP_PASS/g) ?? []).length, 1, logged);
      assert.ok(!logged.includes('not-the-password'), 'the password never reaches the log');
    } finally {
      await worker.stop();
    }
  });

  describe('GET /readyz on a running worker', () => {
    let worker: Worker;
    beforeAll(async () => {
      worker = await startWorker({
        config: services.config({ WEB_PORT: String(await freePort()), IMAP_LEASE_MS: '2000' }),
        logger: silentLogger(),
      });
      assert.ok(worker.webUrl);
    });
    afterAll(async () => {
      await worker?.stop();
    });

    it('is 200 with every check ok, and 503 naming IMAP once Dovecot is gone', async () => {
      const base = worker.webUrl ?? '';
      // The previous test's worker died holding the mailbox lease: this one is on standby until it runs out.
      const up = await eventually('/readyz with an IMAP session', async () => {
        const answer = await readyz(base);
        return answer?.status === 200 && answer.body.checks.imap?.detail === undefined ? answer : undefined;
      });
      assert.deepEqual(up.body, { ready: true, checks: { mongodb: { ok: true }, imap: { ok: true }, smtp: { ok: true } } });

      await services.mailbox.stop();
      const down = await eventually('/readyz reports IMAP down', async () => {
        const answer = await readyz(base);
        return answer?.status === 503 ? answer : undefined;
      });
      assert.equal(down.body.ready, false);
      assert.equal(down.body.checks.imap?.ok, false);
      assert.equal(down.body.checks.mongodb?.ok, true);
      assert.equal(down.body.checks.smtp?.ok, true);
      for (const secret of [services.mailbox.pass, services.mongoUrl, `${services.mailbox.port}`]) {
        assert.ok(!down.text.includes(secret), `no connection details in ${down.text}`);
      }
    });
  });
});
