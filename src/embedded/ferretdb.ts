import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForDatabase } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { startServerProcess, type ServerProcess } from './child-process.ts';
import { freePort } from './ports.ts';

/** Built by scripts/setup.sh from tools/ferretdb (FerretDB v1.24.2 embedded; see STACK-NOTES). */
export const FERRETDB_BINARY = fileURLToPath(new URL('../../.cache/ferretdb/parley-ferretdb', import.meta.url));

/** Milliseconds FerretDB may take to answer its first ping, at start and after `start()`. */
const READY_TIMEOUT_MS = 30_000;

export interface EmbeddedDatabase {
  /** mongodb:// URL of the running server. */
  readonly url: string;
  /** Ends the server for good and deletes its data. Safe after `kill()`. */
  stop(): Promise<void>;
  /**
   * For fault tests: ends the server process but keeps its port and SQLite files, so `start()`
   * brings the same data back at the same URL. SIGKILL (the default) is a crash: clients see their
   * connections drop mid-command; SIGTERM is an orderly shutdown.
   */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** After `kill()`: starts the server again on the same port and data; resolves once it answers a ping. A no-op while it runs. */
  start(): Promise<void>;
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
  const url = `mongodb://127.0.0.1:${port}/`;
  let server: ServerProcess | undefined;
  const running = () => server !== undefined && server.child.exitCode === null && server.child.signalCode === null;

  const launch = async () => {
    const started = startServerProcess(FERRETDB_BINARY, ['-listen', `127.0.0.1:${port}`, '-state-dir', stateDir]);
    server = started;
    try {
      await Promise.race([waitForDatabase(url, READY_TIMEOUT_MS), started.exited]);
    } catch (error) {
      await started.stop();
      // After a kill() the port may have been taken meanwhile: the output says so ("address already in use").
      throw new ParleyError(ErrorCodes.EMBEDDED_SERVICE_FAILED, `FerretDB did not start: ${String(error)}\n${started.output()}`, {
        cause: error,
      });
    }
  };
  const stop = async () => {
    await server?.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    stop,
    async kill(signal = 'SIGKILL') {
      if (!server || !running()) return;
      // ServerProcess.stop() is SIGTERM first; a crash must not give the server a chance to tidy up.
      if (signal === 'SIGKILL') {
        server.child.kill('SIGKILL');
        await server.exited.catch(() => undefined);
      } else await server.stop();
    },
    async start() {
      if (running()) return;
      await launch();
    },
  };
}
