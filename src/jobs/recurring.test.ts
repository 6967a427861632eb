import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { MongoClient, MongoNetworkError, type Collection, type Db, type Document } from 'mongodb';
import { startTestServer, testDatabaseName, type TestServer } from '../db/testing.ts';
import { capturingLogger } from '../../test/support/log-capture.ts';
import { startRecurringJobs, type RecurringJobs } from './recurring.ts';

// Agenda against the real database (FerretDB, or MONGODB_URL), with one write made to fail.
describe('recurring jobs', () => {
  let server: TestServer | undefined;
  let client: MongoClient;
  let db: Db;
  /** The promise, not the value: a failing test may end (and afterAll() run) before the jobs have started. */
  let jobs: Promise<RecurringJobs> | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    server = await startTestServer();
    client = await MongoClient.connect(server.url);
    db = client.db(testDatabaseName('jobs'));
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await (await jobs?.catch(() => undefined))?.stop();
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
    await server?.stop();
  });

  it('a failed unlock, which Agenda does not await, is logged instead of ending the process (issue 7)', async () => {
    // A job whose lock ran out long ago while its next run is an hour off: Agenda locks it, finds
    // it too far away and unlocks it without awaiting the promise (JobProcessor.jobProcessing).
    const hour = 3_600_000;
    await db.collection('agenda_jobs').insertOne({
      name: 'far-off',
      type: 'single',
      priority: 0,
      repeatInterval: hour,
      nextRunAt: new Date(Date.now() + hour),
      lockedAt: new Date(Date.now() - 10 * 60_000),
      data: null,
    });
    let failedUnlocks = 0;
    const { logger, entries } = capturingLogger('warn');
    jobs = startRecurringJobs({
      db: withFailingUnlocks(db, () => failedUnlocks++),
      logger,
      jobs: [{ name: 'far-off', intervalMs: hour, run: async () => undefined }],
    });
    await jobs;

    const deadline = Date.now() + 10_000;
    while (failedUnlocks === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(failedUnlocks > 0, 'Agenda tried to unlock the far-off job');
    await new Promise((r) => setTimeout(r, 100)); // an unhandled rejection is reported after the microtasks
    assert.deepEqual(unhandled, []);
    assert.ok(
      entries().some((l) => JSON.stringify(l).includes('could not unlock a job')),
      JSON.stringify(entries()),
    );
  });
});

/** The database as Agenda sees it, except that unlocking a job (`$unset: { lockedAt }`) fails as if the server were gone. */
function withFailingUnlocks(db: Db, onFail: () => void): Db {
  return new Proxy(db, {
    get(target, key) {
      if (key !== 'collection') return Reflect.get(target, key, target) as unknown;
      return (name: string): Collection => {
        const collection = target.collection(name);
        const updateOne: Collection['updateOne'] = async (filter, update, options) => {
          const unset = Array.isArray(update) ? undefined : ((update as Document).$unset as Document | undefined);
          if (unset && 'lockedAt' in unset) {
            onFail();
            throw new MongoNetworkError('injected: the database is away');
          }
          return collection.updateOne(filter, update, options);
        };
        // Everything else is the real collection's (its prototype).
        return Object.assign(Object.create(collection) as Collection, { updateOne });
      };
    },
  });
}
