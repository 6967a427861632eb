import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startFerretDB, type EmbeddedDatabase } from '../embedded/index.ts';
import { connectDatabase, type Database } from './index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The MongoDB-protocol server the run shares (test/support/global-setup.ts): MONGODB_URL or one embedded FerretDB. */
    sharedMongoUrl: string;
  }
}

/**
 * For tests only. The server test files share: MONGODB_URL when given, else the FerretDB the
 * run's global setup started; undefined outside a vitest run (a file then starts its own).
 */
export function sharedMongoUrl(): string | undefined {
  if (process.env.MONGODB_URL) return process.env.MONGODB_URL;
  try {
    return inject('sharedMongoUrl') || undefined;
  } catch {
    return undefined;
  }
}

export interface TestServer {
  url: string;
  /** Stops the FerretDB started for the file; the shared server stays (each file drops its own database). */
  stop(): Promise<void>;
}

/** For tests only: the shared server (see sharedMongoUrl), or a FerretDB of the file's own when there is none. */
export async function startTestServer(): Promise<TestServer> {
  const shared = sharedMongoUrl();
  if (shared) return { url: shared, stop: () => Promise.resolve() };
  const ferret: EmbeddedDatabase = await startFerretDB();
  return { url: ferret.url, stop: () => ferret.stop() };
}

/** A database name no other test file uses. */
export function testDatabaseName(prefix: string): string {
  return `parley_${prefix}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  /** The server's URL: the shared one (see sharedMongoUrl), or a FerretDB of the file's own. */
  url: string;
  /** A database of this test file's own. */
  name: string;
  db: Database;
  /** Drops the database and closes the client (and stops a FerretDB of its own); call it in `afterAll()`. */
  stop(): Promise<void>;
}

/** For tests only: a database of the file's own on the shared server (a FerretDB of its own when there is none). */
export async function startTestDatabase(prefix: string): Promise<TestDatabase> {
  const server = await startTestServer();
  const name = testDatabaseName(prefix);
  try {
    const db = await connectDatabase(server.url, name);
    const stop = async () => {
      await db.db.dropDatabase().catch(() => undefined);
      await db.close();
      await server.stop();
    };
    return { url: server.url, name, db, stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
