import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { ErrorCodes, ParleyError } from '../src/errors.ts';
import { createSmtpTransport, type MailTransport } from '../src/sending/index.ts';
import { loadSequenceFile, type Sequence } from '../src/sequences/index.ts';
import { testSender } from './support/sender.ts';
import { startTestServices, type TestServices } from './support/services.ts';

// A/B variants through the real sender: FerretDB (or MONGODB_URL) and the SMTP sink.
describe('A/B variants at send', () => {
  let services: TestServices;
  let db: Database;
  let transport: MailTransport;
  let sequence: Sequence;
  const clock = new Date('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config();
    db = await connectDatabase(services.mongoUrl, config.mongo.database);
    transport = createSmtpTransport(config.smtp);
    const loaded = await loadSequenceFile('test/fixtures/ab-sequences/ab-subject.yaml');
    assert.ok(loaded.ok, 'the ab-subject fixture loads');
    sequence = loaded.sequence;
  });
  afterAll(async () => {
    transport?.close();
    await db?.close();
    await services?.stop();
  });

  it('sends both variants in about the weight ratio (1:2), recording the variant on the delivery and the sent event', async () => {
    const n = 90;
    const contacts = Array.from({ length: n }, (_, i) => ({ email: `ab${i}@lead.example`, company: 'Acme' }));
    const enrolled = await enrollContacts(db, sequence, contacts, clock);
    assert.equal(enrolled.filter((e) => e.outcome === 'enrolled').length, n);
    const before = services.sink.received.length;
    const result = await testSender({ db, transport, sequence: () => sequence, now: () => clock }).runOnce();
    assert.equal(result.sent, n);
    const mail = (await services.sink.waitFor(before + n)).slice(before);
    const b = mail.filter((m) => m.parsed.subject === 'A question about Acme').length;
    const a = mail.filter((m) => m.parsed.subject === 'Quick question').length;
    assert.equal(a + b, n);
    // Expected 30 / 60; 4 standard deviations of a binomial(90, 2/3) is about 18.
    assert.ok(Math.abs(b - 60) <= 18, `variant b went to ${b} of ${n}`);

    const deliveries = await db.deliveries.find({ stepId: 'hello', state: 'sent' }).toArray();
    const byVariant = (v: string) => deliveries.filter((d) => d.variant === v).length;
    assert.deepEqual([byVariant('a'), byVariant('b')], [a, b]);
    const events = await db.events.find({ type: 'email_sent', sequenceId: 'ab-subject' }).toArray();
    assert.deepEqual(
      [events.filter((e) => e.props?.variant === 'a').length, events.filter((e) => e.props?.variant === 'b').length],
      [a, b],
    );
  });

  it('writes the same variant again when a step is resent after a failed attempt', async () => {
    let calls = 0;
    const flaky: MailTransport = {
      send: async (message) => {
        calls += 1;
        if (calls === 1) throw new ParleyError(ErrorCodes.SMTP_TEMPORARY, 'try again later', { retryable: true });
        return transport.send(message);
      },
      verify: () => transport.verify(),
      close: () => undefined,
    };
    const contacts = Array.from({ length: 12 }, (_, i) => ({ email: `resend${i}@lead.example`, company: 'Acme' }));
    const enrolled = await enrollContacts(db, sequence, contacts, clock);
    for (const e of enrolled) {
      if (e.outcome !== 'enrolled') continue;
      calls = 0;
      const only = {
        ...db,
        enrollments: Object.create(db.enrollments, {
          find: { value: (f: object) => db.enrollments.find({ ...f, _id: e.enrollmentId }) },
        }) as typeof db.enrollments,
      };
      let now = clock;
      const sender = () => testSender({ db: only, transport: flaky, sequence: () => sequence, now: () => now });
      await sender().runOnce();
      now = new Date(clock.getTime() + 5 * 60_000);
      await sender().runOnce();
      const attempts = await db.deliveries.find({ enrollmentId: e.enrollmentId }).sort({ attempt: 1 }).toArray();
      assert.deepEqual(
        attempts.map((d) => d.state),
        ['failed', 'sent'],
      );
      assert.ok(attempts[0]?.variant, 'the failed attempt names its variant');
      assert.equal(attempts[1]?.variant, attempts[0]?.variant);
      assert.equal(attempts[1]?.subject, attempts[0]?.subject);
    }
  });
});
