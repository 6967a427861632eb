import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { silentLogger } from '../src/logger.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { leadSide } from './support/conversation.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';

// Issue 16, items 4 and 8, through Dovecot and a running worker: the date a "not now" reply names
// is when the sequence resumes; a meeting request follows the file's `interested` outcome when the
// file names none for it; a lead who signs off themselves is recorded as the decision-maker.
describe('what a reply says about when and who, through the real mailbox', () => {
  let services: TestServices;
  let worker: Worker;
  let sequence: Sequence;

  const side = leadSide({ services: () => services, worker: () => worker, sequence: () => sequence });
  const { firstEmailTo } = side;
  async function reply(lead: { messageId: string }, from: string, messageId: string, body: string) {
    await side.replyTo(lead, from, messageId, body);
    return side.handled(messageId);
  }

  beforeAll(async () => {
    services = await startTestServices();
    worker = await startWorker({ config: services.config({ SEQUENCES_DIR: 'test/fixtures/conversation-dates' }), logger: silentLogger() });
    const loaded = worker.getSequence('later');
    assert.ok(loaded);
    sequence = loaded;
  });
  afterAll(async () => {
    await worker?.stop();
    await services?.stop();
  });

  it('"ping me again in <month>" resumes the sequence on the first of that month, not after the file\'s three weeks', async () => {
    // Three months on, named in words, so the test reads the same in any month it runs.
    const month = DateTime.now().setZone('Europe/Berlin').plus({ months: 3 }).startOf('month');
    const name = month.setLocale('en').toFormat('LLLL');
    const lead = await firstEmailTo('later@lead.example');
    const stored = await reply(
      lead,
      'later@lead.example',
      '<later-1@lead.example>',
      `Not right now, we're mid-migration. Ping me again in ${name}.`,
    );
    assert.equal(stored.intent, 'not_now', stored.explanation);
    const enrollment = await eventually('the enrollment rescheduled', async () => {
      const e = await worker.database.enrollments.findOne({ _id: lead.enrollment._id });
      return e?.statusReason?.includes('resumes') ? e : undefined;
    });
    assert.equal(enrollment.status, 'active');
    // The policy's zone is Berlin and its window always open: the first instant of that month there.
    assert.equal(enrollment.nextStepAt?.toISOString(), month.toJSDate().toISOString());
    assert.match(enrollment.statusReason ?? '', new RegExp(`they named "${name}"`));
  });

  it('a meeting request follows `interested: route_to_owner` when the file says nothing of meeting requests', async () => {
    const lead = await firstEmailTo('demo@lead.example');
    const stored = await reply(lead, 'demo@lead.example', '<demo-1@lead.example>', 'Can we set up a demo on Tuesday afternoon?');
    assert.equal(stored.intent, 'meeting_request', stored.explanation);
    const task = await eventually('the task', async () => (await worker.database.tasks.findOne({ replyId: stored._id })) ?? undefined);
    assert.deepEqual([task.outcome, task.assignee], ['route_to_owner', 'owner@parley.test']);
  });

  it('"I\'d sign off on it myself" is stored as the authority on the contact', async () => {
    const lead = await firstEmailTo('boss@lead.example');
    await reply(lead, 'boss@lead.example', '<boss-1@lead.example>', "Looks useful. Send me the pricing; I'd sign off on it myself.");
    const contact = await eventually('qualification stored', async () => {
      const c = await worker.database.contacts.findOne({ email: 'boss@lead.example' });
      return c?.qualification?.authority ? c : undefined;
    });
    assert.equal(contact.qualification?.authority, "I'd sign off on it myself");
  });
});
