import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { isParleyError } from '../errors.ts';
import { formatProblem } from '../sequences/index.ts';
import { parseMailboxes, type MailboxFileOptions } from './parse.ts';

const options = (env: Record<string, string> = {}, insecure = false): MailboxFileOptions => ({
  env,
  insecure,
  smtp: { timeoutMs: 30_000, poolConnections: 2 },
  imap: { pollIntervalMs: 30_000, maxMessageBytes: 1_000_000, concurrency: 4, maxAttempts: 3, leaseMs: 30_000, reconnectMaxMs: 30_000 },
});

const GOOD = `mailboxes:
  - address: Dana@Mail.Example.com
    name: Dana Smith
    smtp: { host: smtp.example.com, port: 587, secure: false, user: dana, pass_env: DANA_SMTP }
    imap: { host: imap.example.com, port: 993, secure: true, user: dana, pass_env: DANA_IMAP }
    caps: { per_hour: 30, per_day: 150 }
  - address: eli@mail.example.com
    smtp: { host: smtp.example.com, port: 465, secure: true }
`;

describe('the mailboxes file', () => {
  it('reads each mailbox with its servers, caps and passwords from the environment', () => {
    const result = parseMailboxes(GOOD, 'mailboxes.yaml', options({ DANA_SMTP: 'smtp-secret', DANA_IMAP: 'imap-secret' }));
    assert.ok(result.ok);
    const [dana, eli] = result.mailboxes;
    assert.equal(dana?.address, 'dana@mail.example.com');
    assert.equal(dana?.name, 'Dana Smith');
    assert.deepEqual(dana?.smtp.auth, { user: 'dana', pass: 'smtp-secret' });
    // STARTTLS is required, as with SMTP_SECURE=false.
    assert.equal(dana?.smtp.requireTLS, true);
    assert.equal(dana?.smtp.poolConnections, 2);
    assert.deepEqual(dana?.imap?.auth, { user: 'dana', pass: 'imap-secret' });
    assert.equal(dana?.imap?.mailbox, 'INBOX');
    assert.equal(dana?.imap?.leaseMs, 30_000);
    assert.deepEqual(dana?.caps, { perHour: 30, perDay: 150 });
    assert.equal(eli?.imap, undefined);
    assert.equal(eli?.caps, undefined);
    assert.equal(eli?.smtp.auth, undefined);
  });

  it('names file, line and field for each problem, and never a password', () => {
    const source = `mailboxes:
  - address: dana@mail.example.com
    smtp: { host: smtp.example.com, port: 587, secure: false, user: dana, pass_env: DANA_SMTP }
    caps: { per_hour: 0, per_day: 10 }
  - address: dana@mail.example.com
    smtp: { host: smtp.example.com, port: 99999, secure: true, user: eli }
    imap: { host: imap.example.com, port: 993, secure: true, password: hunter2 }
`;
    const result = parseMailboxes(source, 'mailboxes.yaml', options({}));
    assert.ok(!result.ok);
    const lines = result.problems.map(formatProblem);
    assert.ok(
      lines.some((l) => /^mailboxes\.yaml:3:\d+ mailboxes\[0\]\.smtp\.pass_env: environment variable DANA_SMTP is not set/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^mailboxes\.yaml:4:\d+ mailboxes\[0\]\.caps\.per_hour: /.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.some((l) => /^mailboxes\.yaml:5:\d+ mailboxes\[1\]\.address: 'dana@mail\.example\.com' is listed twice/.test(l)));
    assert.ok(
      lines.some((l) => /^mailboxes\.yaml:6:\d+ mailboxes\[1\]\.smtp\.port: /.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.some((l) => /^mailboxes\.yaml:6:\d+ mailboxes\[1\]\.smtp\.user: set both smtp\.user and smtp\.pass_env/.test(l)));
    assert.ok(
      lines.some((l) => /^mailboxes\.yaml:7:\d+ mailboxes\[1\]\.imap\.password: unknown field 'password'/.test(l)),
      lines.join('\n'),
    );
    assert.ok(!lines.join('\n').includes('hunter2'));
  });

  it('is read by loadConfig from MAILBOXES_FILE; a broken file stops the start naming its path; without it there is no pool', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-mailboxes-'));
    try {
      const path = join(dir, 'mailboxes.yaml');
      await writeFile(path, GOOD);
      const env = { MAILBOXES_FILE: path, DANA_SMTP: 'a', DANA_IMAP: 'b' };
      const config = loadConfig(env);
      assert.deepEqual(
        config.mailboxes.map((m) => m.address),
        ['dana@mail.example.com', 'eli@mail.example.com'],
      );
      // With a file, the IMAP_* mailbox is polled only when IMAP_USER says so.
      assert.equal(config.envMailbox.imap, false);
      assert.equal(loadConfig({ ...env, IMAP_USER: 'x', IMAP_PASS: 'y' }).envMailbox.imap, true);
      assert.deepEqual(loadConfig({}).mailboxes, []);
      assert.equal(loadConfig({}).envMailbox.imap, true);

      await writeFile(path, 'mailboxes:\n  - address: nope\n');
      assert.throws(
        () => loadConfig(env),
        (error: unknown) =>
          isParleyError(error) &&
          error.message.includes(`${path}:2:`) &&
          error.message.includes('mailboxes[0].address') &&
          error.message.includes('mailboxes[0].smtp'),
      );
      assert.throws(
        () => loadConfig({ MAILBOXES_FILE: join(dir, 'missing.yaml') }),
        (error: unknown) => isParleyError(error) && /MAILBOXES_FILE names .*missing\.yaml, which cannot be read/.test(error.message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
