import { loadConfig } from '../config.ts';
import { connectDatabase } from '../db/index.ts';
import { inFlightFindings } from '../enrollments/index.ts';
import type { LintExtension } from '../sequences/index.ts';

/** With MONGODB_URL set, `parley lint` also warns about edits that change what contacts already in a sequence get. */
export const inFlightLint: LintExtension = async (sequences) => {
  const config = loadConfig(process.env);
  if (!config.mongo.url || sequences.length === 0) return [];
  const db = await connectDatabase(config.mongo.url, config.mongo.database, { timeoutMs: config.mongo.connectTimeoutMs });
  try {
    return await inFlightFindings(db, sequences);
  } finally {
    await db.close();
  }
};
