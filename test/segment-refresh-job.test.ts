import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { recordEvents } from '../src/events/index.ts';
import { silentLogger } from '../src/logger.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';

// The periodic full refresh as a running worker schedules it (the recurring Agenda job): events
// that no event pass has folded yet (SEGMENT_EVENTS_MS is 10 minutes) still put the contact in the segment, and
// the sequence whose audience it is sends the first step.
describe('the segment refresh job', () => {
  let services: TestServices;
  let worker: Worker;

  beforeAll(async () => {
    services = await startTestServices();
    worker = await startWorker({
      config: services.config({
        SEQUENCES_DIR: 'test/fixtures/segment-audience/sequences',
        SEGMENTS_DIR: 'test/fixtures/segment-audience/segments',
        WEB_PORT: '0',
        SEGMENTS_REFRESH_MS: '1000',
        SEGMENT_EVENTS_MS: '600000',
      }),
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await services?.stop();
  });

  it('re-evaluates everyone on its own and enrolls who entered', async () => {
    const db = worker.database;
    // After the first run (at start), so only a later, periodic one can find the events.
    const jobs = db.db.collection<{ name: string; lastFinishedAt?: Date }>('agenda_jobs');
    await eventually(
      'the first refresh finished',
      async () => (await jobs.findOne({ name: 'refresh-segments', lastFinishedAt: { $type: 'date' } })) ?? undefined,
    );
    const hourAgo = new Date(Date.now() - 3600_000);
    const now = new Date();
    // Recorded as an import does it (queued for the rollups); the worker's event pass is 10 minutes away.
    const recorded = await recordEvents(
      db,
      ['a', 'b'].map((k) => ({
        id: `late-${k}`,
        email: 'late@lead.example',
        type: 'page_visited',
        at: hourAgo.getTime(),
        props: { url: '/pricing' },
      })),
      { source: 'import', now },
    );
    const contactId = recorded.contactIds[0];
    const change = await eventually(
      'the entry recorded by the refresh job',
      async () => (await db.segmentChanges.findOne({ contactId, segmentId: 'pricing-visitors' })) ?? undefined,
      20_000,
    );
    assert.equal(change.change, 'entered');
    const [mail] = await services.sink.waitFor(1, 20_000);
    assert.equal(mail?.envelopeTo[0], 'late@lead.example');
  });
});
