import type { TestProject } from 'vitest/node';
import { startFerretDB, type EmbeddedDatabase } from '../../src/embedded/index.ts';

/**
 * Once per run: the MongoDB-protocol server the test files share, each in a database of its own
 * (src/db/testing.ts). MONGODB_URL when given, else one embedded FerretDB, stopped at the end.
 * Dovecot and the SMTP sink stay per file (test/support/services.ts): a test reads what the sink
 * received in its own process, and a mailbox of its own keeps one file's poller off another's mail.
 * Tests that kill or restart the database start a FerretDB of their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.MONGODB_URL) {
    project.provide('sharedMongoUrl', process.env.MONGODB_URL);
    return () => Promise.resolve();
  }
  const shared = await sharedFerretDB();
  project.provide('sharedMongoUrl', shared.url);
  return release;
}

// Vitest runs a global setup once per project (unit, integration, fault, scale), all in its main
// process: they share one server, stopped when the last project is done.
const state = globalThis as typeof globalThis & { parleySharedFerret?: { server: Promise<EmbeddedDatabase>; users: number } };

function sharedFerretDB(): Promise<EmbeddedDatabase> {
  state.parleySharedFerret ??= { server: startFerretDB(), users: 0 };
  state.parleySharedFerret.users += 1;
  return state.parleySharedFerret.server;
}

async function release(): Promise<void> {
  const shared = state.parleySharedFerret;
  if (!shared || --shared.users > 0) return;
  state.parleySharedFerret = undefined;
  await (await shared.server).stop();
}
