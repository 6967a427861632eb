import { connectDatabase, type Database } from '../../src/db/index.ts';
import { startFerretDB } from '../../src/embedded/index.ts';

export interface TestDatabase {
  /** The server's URL: MONGODB_URL when given, else an embedded FerretDB's. */
  url: string;
  /** A database of this test file's own. */
  name: string;
  db: Database;
  /** Closes the client and stops the FerretDB it started; call it in `after()`. */
  stop(): Promise<void>;
}

/** A MongoDB-protocol database for one test file: MONGODB_URL when set, else a FerretDB of its own on a free loopback port. */
export async function startTestDatabase(prefix: string): Promise<TestDatabase> {
  const ferret = process.env.MONGODB_URL ? undefined : await startFerretDB();
  const url = process.env.MONGODB_URL ?? ferret?.url ?? '';
  const name = `parley_${prefix}_${process.pid}`;
  try {
    const db = await connectDatabase(url, name);
    const stop = async () => {
      // On a shared server (MONGODB_URL) the test's database goes; an embedded FerretDB goes whole.
      if (!ferret) await db.db.dropDatabase().catch(() => undefined);
      await db.close();
      await ferret?.stop();
    };
    return { url, name, db, stop };
  } catch (error) {
    await ferret?.stop();
    throw error;
  }
}
