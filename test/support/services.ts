import { loadConfig, type Config } from '../../src/config.ts';
import { MongoClient } from 'mongodb';
import { sharedMongoUrl, testDatabaseName } from '../../src/db/testing.ts';
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
  /** The file's own FerretDB (`ownDatabase`), for fault tests that restart it; undefined on a shared server. */
  ferret: EmbeddedDatabase | undefined;
  /** Worker settings pointing at these servers; `overrides` are raw environment variables. */
  config(overrides?: Record<string, string>): Config;
  /** The same settings as environment variables, for worker child processes. */
  env(overrides?: Record<string, string>): Record<string, string>;
}

/**
 * The database server is the run's shared one (src/db/testing.ts), in a database of the file's own;
 * `ownDatabase` starts a FerretDB for the file instead, for tests that stop or restart it.
 */
export async function startTestServices(options: { ownDatabase?: boolean } = {}): Promise<TestServices> {
  const shared = options.ownDatabase && !process.env.MONGODB_URL ? undefined : sharedMongoUrl();
  // FerretDB is started here rather than by startEmbeddedServers, so a test can hold its handle.
  const ferret = shared ? undefined : await startFerretDB();
  let servers: EmbeddedServers;
  try {
    servers = await startEmbeddedServers({ mongoUrl: shared ?? ferret?.url });
  } catch (error) {
    await ferret?.stop();
    throw error;
  }
  const stop = async () => {
    await servers.stop();
    if (shared) await dropDatabase(shared, database);
    await ferret?.stop().catch(() => undefined);
  };
  const database = testDatabaseName('test');
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

/** Drops a test file's database on the shared server; a failure only leaves an unused database. */
async function dropDatabase(url: string, name: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.db(name).dropDatabase();
  } catch {
    // The next run's names differ; an unused database on a throwaway server is harmless.
  } finally {
    await client.close();
  }
}
