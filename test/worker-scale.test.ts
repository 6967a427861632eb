import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { loadSequenceFile } from '../src/sequences/index.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { killAllCli, startCli } from './support/worker-process.ts';

/**
 * Contacts in twenty-steps, a sequence of twenty steps: 50 (1,000 sends) in `npm test`, 500
 * (10,000 sends, about half an hour here) in `npm run test:scale`, which sets PARLEY_SCALE_CONTACTS.
 */
const CONTACTS = Number(process.env.PARLEY_SCALE_CONTACTS ?? 50);
const STEPS = CONTACTS * 20;
const STEPS_TEXT = STEPS.toLocaleString('en');

// Issue 7's scale fault test: three `parley worker` processes on one database share the due
// steps. Counted at the SMTP sink, every step arrives exactly once.
describe(`three workers sending ${STEPS_TEXT} steps`, () => {
  let services: TestServices;
  let db: Database;

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
  });
  afterAll(async () => {
    await killAllCli();
    await db?.close();
    await services?.stop();
  });

  it('sends every step once: no duplicate, nothing lost', { timeout: 40 * 60_000 }, async () => {
    const loaded = await loadSequenceFile('test/fixtures/scale-sequences/twenty-steps.yaml');
    assert.ok(loaded.ok);
    const emails = Array.from({ length: CONTACTS }, (_, i) => `scale${i}@lead.example`);
    const enrolled = await enrollContacts(
      db,
      loaded.sequence,
      emails.map((email) => ({ email })),
    );
    assert.equal(enrolled.filter((e) => e.outcome === 'enrolled').length, CONTACTS);

    // No segment files: their event passes would read every new event, and this test is about sending.
    const env = services.env({
      SEQUENCES_DIR: 'test/fixtures/scale-sequences',
      SEGMENTS_DIR: 'test/fixtures/scale-sequences/no-segments',
      // Runs every 2 s (10 s by default): each run reads the caps once, so fewer, fuller runs.
      SEND_INTERVAL_MS: '2000',
      SEND_BATCH_SIZE: '100',
      LOG_LEVEL: 'warn',
    });
    const started = Date.now();
    const workers = [startCli(['worker'], env), startCli(['worker'], env), startCli(['worker'], env)];
    try {
      // Progress is read at the sink, in this process: polling the database would compete with the workers.
      let reported = 0;
      await eventually(
        `all ${STEPS_TEXT} sends at the sink`,
        async () => {
          const received = services.sink.received.length;
          if (received >= reported + 1000) {
            reported = received - (received % 1000);
            console.log(`# ${received} of ${STEPS} received after ${Math.round((Date.now() - started) / 1000)} s`);
          }
          for (const w of workers) assert.equal(w.child.exitCode, null, `a worker exited:\n${w.output()}`);
          if (received < STEPS) return undefined;
          return (await db.enrollments.countDocuments({ status: 'completed' })) === CONTACTS ? true : undefined;
        },
        35 * 60_000,
      );
    } finally {
      for (const w of workers) assert.equal(await w.kill('SIGTERM'), 0, `worker exits cleanly on SIGTERM:\n${w.output()}`);
    }
    const seconds = (Date.now() - started) / 1000;

    const copies = new Map<string, number>();
    for (const mail of services.sink.received) {
      const key = `${mail.envelopeTo[0]} ${mail.parsed.messageId}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    assert.equal(copies.size, STEPS, 'every step of every enrollment arrived');
    assert.deepEqual(
      [...copies.entries()].filter(([, n]) => n !== 1),
      [],
      'no step arrived twice',
    );
    assert.equal(services.sink.received.length, STEPS);
    assert.equal(await db.deliveries.countDocuments({ state: 'sent' }), STEPS, 'one sent attempt recorded per step');

    const perWorker = new Map<string, number>();
    for (const d of await db.deliveries.find({ state: 'sent' }, { projection: { worker: 1 } }).toArray()) {
      perWorker.set(d.worker, (perWorker.get(d.worker) ?? 0) + 1);
    }
    // Which worker runs each send run is decided by Agenda's lock on the one recurring job: a
    // worker whose polls keep coming second can lose every lock for minutes (a CI run saw one send
    // nothing while the other two sent all 10,000). Sharing is proved by more than one sending;
    // each sending exactly once is proved above.
    // In the smaller run of `npm test` (ten send runs or so) one worker may well win every lock.
    if (STEPS >= 10_000) assert.ok(perWorker.size >= 2, `the work was shared between workers: ${[...perWorker.values()].join(', ')}`);
    console.log(
      `# ${STEPS} steps in ${seconds.toFixed(0)} s (${(STEPS / seconds).toFixed(1)}/s); per worker: ${[...perWorker.values()].join(', ')}`,
    );
  });
});
