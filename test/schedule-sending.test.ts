import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { previewSequence } from '../src/preview/index.ts';
import { createSmtpTransport, type MailTransport } from '../src/sending/index.ts';
import { loadSequenceFile, type Sequence } from '../src/sequences/index.ts';
import { testSender } from './support/sender.ts';
import { startTestServices, type TestServices } from './support/services.ts';

// Send windows, caps and unfillable steps in the worker's sender, on a clock of the test's own,
// against FerretDB (or MONGODB_URL) and the SMTP sink.
describe('when steps go out', () => {
  let services: TestServices;
  let db: Database;
  let transport: MailTransport;
  let sequence: Sequence;
  let clock = new Date();

  const sender = () => testSender({ db, transport, sequence: () => sequence, now: () => clock });
  /** Runs the sender at each moment the enrollment's next step is due, until nothing is due. */
  async function followTheClock(enrollmentId: string): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const enrollment = await db.enrollments.findOne({ _id: enrollmentId });
      if (!enrollment?.nextStepAt || enrollment.status !== 'active') return;
      clock = enrollment.nextStepAt;
      await sender().runOnce();
    }
  }

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
    transport = createSmtpTransport(services.config().smtp);
    const loaded = await loadSequenceFile('test/fixtures/office-hours/office-hours.yaml');
    assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems));
    sequence = loaded.sequence;
  });
  afterAll(async () => {
    transport?.close();
    await db?.close();
    await services?.stop();
  });

  it('sends at the times the preview shows, in the contact zone, and never at night or on weekends', async () => {
    // Saturday 7 March 2026, 10:00 in New York: the first step waits for Monday 09:00.
    const enrolledAt = new Date('2026-03-07T15:00:00Z');
    const contact = { email: 'ny@lead.example', firstName: 'Noa', company: 'Acme' };
    const [outcome] = await enrollContacts(db, sequence, [contact], enrolledAt);
    assert.equal(outcome?.outcome === 'enrolled' && outcome.firstStepAt.toISOString(), '2026-03-09T13:00:00.000Z');
    clock = enrolledAt;
    assert.deepEqual(await sender().runOnce(), { sent: 0, failed: 0, skipped: 0, deferred: 0 });

    await followTheClock(outcome!.outcome === 'enrolled' ? outcome!.enrollmentId : '');
    const sent = await db.deliveries.find({ to: 'ny@lead.example', state: 'sent' }).sort({ sentAt: 1 }).toArray();
    const preview = await previewSequence(sequence, contact, { enrolledAt, messageIdDomain: 'parley.test' });
    // Mon 09:00 EDT, Tue 09:00 EDT (+1 business day); the third was due Thu 12 Mar, but the cap of
    // two in 30 days holds it until the first send ages out: Wed 8 April, 09:00 EDT.
    assert.deepEqual(
      sent.map((d) => d.sentAt?.toISOString()),
      ['2026-03-09T13:00:00.000Z', '2026-03-10T13:00:00.000Z', '2026-04-08T13:00:00.000Z'],
    );
    assert.deepEqual(
      preview.map((p) => p.dueAt.toISOString()),
      sent.map((d) => d.sentAt?.toISOString()),
    );
    assert.deepEqual(
      preview.map((p) => p.kind === 'sent' && p.text),
      sent.map((d) => d.text),
    );
    assert.match(preview[2]?.localTime ?? '', /Wed 8 Apr 2026, 09:00 EDT/);
  });

  it('skips a step whose variable has no value for the contact, with the reason, and goes on', async () => {
    const enrolledAt = new Date('2026-03-09T14:00:00Z'); // Monday 10:00 EDT
    const [outcome] = await enrollContacts(db, sequence, [{ email: 'nameless@lead.example' }], enrolledAt);
    const enrollmentId = outcome?.outcome === 'enrolled' ? outcome.enrollmentId : '';
    await followTheClock(enrollmentId);
    const enrollment = await db.enrollments.findOne({ _id: enrollmentId });
    assert.deepEqual(
      enrollment?.skippedSteps.map((s) => [s.stepId, s.reason]),
      [['personal', 'no value for first_name']],
    );
    const sent = await db.deliveries.find({ enrollmentId, state: 'sent' }).sort({ sentAt: 1 }).toArray();
    assert.deepEqual(
      sent.map((d) => d.stepId),
      ['hello', 'last'],
    );
    assert.ok(sent.every((d) => !/Hi ,|\{\{/.test(d.text)));
    assert.equal(enrollment?.status, 'completed');
    const preview = await previewSequence(sequence, { email: 'nameless@lead.example' }, { enrolledAt, messageIdDomain: 'parley.test' });
    assert.deepEqual(
      preview.map((p) => p.kind),
      ['sent', 'skipped', 'sent'],
    );
  });

  it('defers a step found due outside the window (a worker that was down overnight) to the next opening', async () => {
    const enrolledAt = new Date('2026-03-10T14:00:00Z'); // Tuesday 10:00 EDT
    const [outcome] = await enrollContacts(db, sequence, [{ email: 'late@lead.example', firstName: 'Lee' }], enrolledAt);
    clock = new Date('2026-03-11T03:00:00Z'); // 23:00 EDT, long after it was due
    const result = await sender().runOnce();
    assert.equal(result.sent, 0);
    const enrollment = await db.enrollments.findOne({ _id: outcome?.outcome === 'enrolled' ? outcome.enrollmentId : '' });
    assert.equal(enrollment?.nextStepAt?.toISOString(), '2026-03-11T13:00:00.000Z', 'Wed 09:00 EDT');
  });

  it('continues mid-sequence contacts with the edited text, skipping a removed step', async () => {
    const enrolledAt = new Date('2026-03-16T14:00:00Z'); // Monday 10:00 EDT
    const [outcome] = await enrollContacts(db, sequence, [{ email: 'edit@lead.example', firstName: 'Eve' }], enrolledAt);
    const enrollmentId = outcome?.outcome === 'enrolled' ? outcome.enrollmentId : '';
    clock = enrolledAt;
    await sender().runOnce();
    const original = sequence;
    try {
      // The marketer deletes `personal` and rewrites `last` while this contact is between steps.
      const last = original.steps[2]!;
      sequence = { ...original, steps: [original.steps[0]!, { ...last, index: 1, body: 'Edited: would a call help? Just reply.' }] };
      await followTheClock(enrollmentId);
    } finally {
      sequence = original;
    }
    const sent = await db.deliveries.find({ enrollmentId, state: 'sent' }).sort({ sentAt: 1 }).toArray();
    assert.deepEqual(
      sent.map((d) => d.stepId),
      ['hello', 'last'],
    );
    assert.match(sent[1]?.text ?? '', /^Edited: would a call help\?/);
    assert.equal(sent[1]?.inReplyTo, sent[0]?.messageId);
  });
});
