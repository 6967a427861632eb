import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.ts';
import {
  startDovecot,
  startFerretDB,
  startSmtpSink,
  type EmbeddedDatabase,
  type EmbeddedMailbox,
  type SmtpSink,
} from '../../src/embedded/index.ts';

/**
 * The real servers one test file needs: MongoDB wire protocol (FerretDB, or MONGODB_URL when
 * given), Dovecot and an SMTP sink, each on a free loopback port. `stop()` stops all of them;
 * call it in `after()` so a failing test leaves nothing running.
 */
export interface TestServices {
  mongoUrl: string;
  /** A database name of its own, so test files never see each other's data. */
  database: string;
  mailbox: EmbeddedMailbox;
  sink: SmtpSink;
  /** Worker settings pointing at these servers; `overrides` are raw environment variables. */
  config(overrides?: Record<string, string>): Config;
  /** The same settings as environment variables, for worker child processes. */
  env(overrides?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

export async function startTestServices(): Promise<TestServices> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let mongoUrl = process.env.MONGODB_URL;
    if (!mongoUrl) {
      const ferret: EmbeddedDatabase = await startFerretDB();
      stops.push(() => ferret.stop());
      mongoUrl = ferret.url;
    }
    const sink = await startSmtpSink();
    stops.push(() => sink.stop());
    const mailbox = await startDovecot();
    stops.push(() => mailbox.stop());
    const database = `parley_test_${randomBytes(4).toString('hex')}`;
    const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
      MONGODB_URL: mongoUrl,
      MONGODB_DB: database,
      SMTP_HOST: sink.host,
      SMTP_PORT: String(sink.port),
      SMTP_SECURE: 'false',
      SMTP_TIMEOUT_MS: '5000',
      IMAP_HOST: mailbox.host,
      IMAP_PORT: String(mailbox.port),
      IMAP_SECURE: 'false',
      IMAP_USER: mailbox.user,
      IMAP_PASS: mailbox.pass,
      IMAP_POLL_INTERVAL_MS: '1000',
      PARLEY_INSECURE_LOCAL_MAIL: 'true',
      MESSAGE_ID_DOMAIN: 'parley.test',
      SEQUENCES_DIR: 'sequences',
      SEND_INTERVAL_MS: '200',
      SEND_LEASE_MS: '12000',
      LOG_LEVEL: 'silent',
      ...overrides,
    });
    return { mongoUrl, database, mailbox, sink, env, config: (overrides) => loadConfig(env(overrides)), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls `check` until it returns a value other than undefined; fails with `what` after timeoutMs. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
