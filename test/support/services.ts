import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.ts';
import {
  embeddedServerSettings,
  startEmbeddedServers,
  startFerretDB,
  type EmbeddedDatabase,
  type EmbeddedServers,
} from '../../src/embedded/index.ts';

/**
 * The real servers one test file needs: MongoDB wire protocol (FerretDB, or MONGODB_URL when
 * given), Dovecot and an SMTP sink, each on a free loopback port. Call `stop()` in `after()` so a
 * failing test leaves nothing running.
 */
export interface TestServices extends EmbeddedServers {
  /** A database name of its own, so test files never see each other's data. */
  database: string;
  /** The embedded FerretDB, for fault tests that restart it; undefined when MONGODB_URL names a server. */
  ferret: EmbeddedDatabase | undefined;
  /** Worker settings pointing at these servers; `overrides` are raw environment variables. */
  config(overrides?: Record<string, string>): Config;
  /** The same settings as environment variables, for worker child processes. */
  env(overrides?: Record<string, string>): Record<string, string>;
}

export async function startTestServices(): Promise<TestServices> {
  // FerretDB is started here rather than by startEmbeddedServers, so a test can hold its handle.
  const ferret = process.env.MONGODB_URL ? undefined : await startFerretDB();
  let servers: EmbeddedServers;
  try {
    servers = await startEmbeddedServers({ mongoUrl: process.env.MONGODB_URL || ferret?.url });
  } catch (error) {
    await ferret?.stop();
    throw error;
  }
  const stop = async () => {
    await servers.stop();
    await ferret?.stop().catch(() => undefined);
  };
  const database = `parley_test_${randomBytes(4).toString('hex')}`;
  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...embeddedServerSettings(servers),
    MONGODB_DB: database,
    MESSAGE_ID_DOMAIN: 'parley.test',
    SEQUENCES_DIR: 'sequences',
    SEND_INTERVAL_MS: '200',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  return { ...servers, stop, ferret, database, env, config: (overrides) => loadConfig(env(overrides)) };
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
