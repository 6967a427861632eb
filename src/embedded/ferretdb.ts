import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { startServerProcess } from './child-process.ts';
import { freePort } from './ports.ts';

/** Built by scripts/setup.sh from tools/ferretdb (FerretDB v1.24.2 embedded; see STACK-NOTES). */
export const FERRETDB_BINARY = fileURLToPath(new URL('../../.cache/ferretdb/parley-ferretdb', import.meta.url));

export interface EmbeddedDatabase {
  /** mongodb:// URL of the running server. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB on a free loopback port with a throwaway SQLite directory and waits until it
 * answers a ping. Used by tests and the demo when no MONGODB_URL is given.
 */
export async function startFerretDB(): Promise<EmbeddedDatabase> {
  if (!existsSync(FERRETDB_BINARY)) {
    throw new ParleyError(
      ErrorCodes.EMBEDDED_SERVICE_FAILED,
      `The embedded FerretDB binary is missing (${FERRETDB_BINARY}). Run \`npm run setup\` to build it, or set MONGODB_URL.`,
    );
  }
  const stateDir = await mkdtemp(join(tmpdir(), 'parley-ferretdb-'));
  const port = await freePort();
  const server = startServerProcess(FERRETDB_BINARY, ['-listen', `127.0.0.1:${port}`, '-state-dir', stateDir]);
  const url = `mongodb://127.0.0.1:${port}/`;
  const stop = async () => {
    await server.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await Promise.race([pingUntilReady(url, 30_000), server.exited]);
  } catch (error) {
    await stop();
    throw new ParleyError(ErrorCodes.EMBEDDED_SERVICE_FAILED, `FerretDB did not start: ${String(error)}\n${server.output()}`, {
      cause: error,
    });
  }
  return { url, stop };
}

async function pingUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, directConnection: true });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close();
    }
  }
}
