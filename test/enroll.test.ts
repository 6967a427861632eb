import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { isParleyError } from '../src/errors.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { loadSequenceFile, type Sequence } from '../src/sequences/index.ts';
import { runCli } from './support/worker-process.ts';

// Enrollment against FerretDB (or MONGODB_URL): from code and through `parley enroll`.
describe('enrolling contacts', () => {
  let testDb: TestDatabase;
  let url: string;
  let db: Database;
  let database: string;
  let sequence: Sequence;

  beforeAll(async () => {
    testDb = await startTestDatabase('enroll');
    ({ url, db, name: database } = testDb);
    const loaded = await loadSequenceFile('sequences/trial-follow-up.yaml');
    assert.ok(loaded.ok);
    sequence = loaded.sequence;
  });
  afterAll(async () => {
    await testDb?.stop();
  });

  it('creates one contact and one enrollment per address, however often it is asked', async () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const first = await enrollContacts(db, sequence, [{ email: ' Kim@Lead.Example ', firstName: 'Kim' }], now);
    assert.deepEqual(
      first.map((o) => [o.email, o.outcome]),
      [['kim@lead.example', 'enrolled']],
    );
    const again = await enrollContacts(db, sequence, [{ email: 'kim@lead.example', company: 'Acme' }], now);
    assert.deepEqual(
      again.map((o) => o.outcome),
      ['already_enrolled'],
    );
    const contacts = await db.contacts.find({ email: 'kim@lead.example' }).toArray();
    assert.equal(contacts.length, 1);
    assert.deepEqual([contacts[0]?.firstName, contacts[0]?.company], ['Kim', 'Acme']);
    const enrollment = await db.enrollments.findOne({ email: 'kim@lead.example' });
    // Enrolled Monday 2 March 2026 04:00 in New York (the sequence's zone): due at 09:00 EST there.
    assert.deepEqual(
      [enrollment?.status, enrollment?.passedStepIds, enrollment?.nextStepAt?.toISOString()],
      ['active', [], '2026-03-02T14:00:00.000Z'],
    );
  });

  it('refuses a typo before writing anything, and skips a suppressed contact', async () => {
    await assert.rejects(enrollContacts(db, sequence, [{ email: 'ok@lead.example' }, { email: 'broken.lead.example' }]), (e: unknown) =>
      isParleyError(e, 'CONTACT_ADDRESS_INVALID'),
    );
    assert.equal(await db.contacts.countDocuments({ email: 'ok@lead.example' }), 0);

    await enrollContacts(db, { ...sequence, id: 'other' }, [{ email: 'gone@lead.example' }]);
    await db.contacts.updateOne(
      { email: 'gone@lead.example' },
      { $set: { suppressed: { reason: 'unsubscribe', at: new Date(), replyId: 'r' } } },
    );
    const [outcome] = await enrollContacts(db, sequence, [{ email: 'gone@lead.example' }]);
    assert.equal(outcome?.outcome, 'suppressed');
  });

  it('`parley enroll` enrolls from the command line and names an unknown sequence', async () => {
    const env = { MONGODB_URL: url, MONGODB_DB: database, LOG_LEVEL: 'silent' };
    const out = await runCli(['enroll', 'trial-follow-up', 'cli@lead.example', '--first-name', 'Cy'], env);
    assert.match(out, /cli@lead\.example: enrolled, first step due/);
    assert.equal((await db.contacts.findOne({ email: 'cli@lead.example' }))?.firstName, 'Cy');
    await assert.rejects(
      runCli(['enroll', 'no-such-sequence', 'x@lead.example'], env),
      /No sequence "no-such-sequence".*known: .*trial-follow-up/s,
    );
    // pricing-page-visitor takes its contacts from a segment only.
    await assert.rejects(
      runCli(['enroll', 'pricing-page-visitor', 'x@lead.example'], env),
      /takes its contacts from segment "pricing-page-visitors"/,
    );
    assert.equal(await db.contacts.countDocuments({ email: 'x@lead.example' }), 0);
  });
});
