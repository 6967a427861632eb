import { loadConfig } from '../config.ts';
import { connectDatabase, type Database } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';

/** Connects to the configured database (MONGODB_URL), runs `work`, closes. */
export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  if (!config.mongo.url)
    throw new ParleyError(ErrorCodes.CONFIG_INVALID, 'MONGODB_URL is not set: point it at the database the worker uses.');
  const db = await connectDatabase(config.mongo.url, config.mongo.database, { timeoutMs: config.mongo.connectTimeoutMs });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
