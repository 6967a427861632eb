import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturingLogger } from './support/log-capture.ts';
import type { Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { isParleyError } from '../src/errors.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { loadSequenceFile, SequenceCatalog, type Sequence } from '../src/sequences/index.ts';
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

  // Issue 16, case 5: `parley enroll` enrolled contacts into a file with four lint errors, and the worker loaded it.
  describe('a sequence with lint errors', () => {
    let dir: string;
    const clean = (body: string) => `id: launch
name: Launch
sender: { name: Marco Rossi, address: marco@parley.example }
steps:
  - id: hello
    subject: Quick question
    body: "${body}"
`;
    // HTML tags, two links, two questions, an unknown variable: four errors.
    const broken = clean(
      'Hi {{ frist_name }}, <b>I</b> saw https://a.example and https://b.example. Is it useful? Or not yet? Just reply.',
    );
    // Only warnings: written as "we" (first-person-short).
    const warned = clean('Hi, we built this for teams like yours. Is it useful to you? Just reply.');

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'parley-enroll-lint-'));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('`parley enroll` refuses it, naming file, line and field; --force does not override errors', async () => {
      await writeFile(join(dir, 'launch.yaml'), broken);
      const env = { MONGODB_URL: url, MONGODB_DB: database, LOG_LEVEL: 'silent', SEQUENCES_DIR: dir };
      for (const args of [[], ['--force']]) {
        const refusal = await runCli(['enroll', 'launch', 'lint@lead.example', ...args], env).then(
          () => assert.fail('enrolled into a sequence with lint errors'),
          (error: unknown) => String(error),
        );
        assert.match(refusal, /Sequence "launch" has 4 lint error\(s\)/);
        assert.match(refusal, /launch\.yaml:7:\d+ steps\[0\]\.body \(plain-text\)/);
        assert.match(refusal, /\(one-question\)/);
        assert.match(refusal, /\(known-variables\).*frist_name/);
        assert.match(refusal, /--force does not override errors/);
      }
      assert.equal(await db.contacts.countDocuments({ email: 'lint@lead.example' }), 0);
    });

    it('`parley enroll` prints warnings and enrolls only with --force', async () => {
      await writeFile(join(dir, 'launch.yaml'), warned);
      const env = { MONGODB_URL: url, MONGODB_DB: database, LOG_LEVEL: 'silent', SEQUENCES_DIR: dir };
      await assert.rejects(runCli(['enroll', 'launch', 'warned@lead.example'], env), /first-person-short[\s\S]*run again with --force/);
      assert.equal(await db.enrollments.countDocuments({ email: 'warned@lead.example' }), 0);
      const out = await runCli(['enroll', 'launch', 'warned@lead.example', '--force'], env);
      assert.match(out, /first-person-short/);
      assert.match(out, /warned@lead\.example: enrolled/);
    });

    it("the worker's catalog keeps the last good version and logs why, and never uses a file that was never good", async () => {
      const { logger: log, entries } = capturingLogger();
      const catalogDir = await mkdtemp(join(dir, 'catalog-'));
      await writeFile(join(catalogDir, 'launch.yaml'), warned);
      const catalog = new SequenceCatalog(catalogDir, log);
      await catalog.reload();
      assert.match(catalog.get('launch')?.steps[0]?.body ?? '', /we built this/);

      await writeFile(join(catalogDir, 'launch.yaml'), broken);
      await writeFile(join(catalogDir, 'fresh.yaml'), broken.replace('id: launch', 'id: fresh'));
      await catalog.reload();
      assert.match(catalog.get('launch')?.steps[0]?.body ?? '', /we built this/, 'the last good version still runs');
      assert.equal(catalog.get('fresh'), undefined, 'a file that never passed lint is not used');
      assert.ok(catalog.lintErrors().some((f) => f.file.endsWith('fresh.yaml') && f.ruleId === 'one-question'));
      const logged = entries();
      const lintLine = logged.find((l) => l.rule === 'plain-text' && String(l.file).endsWith('launch.yaml'));
      assert.equal(lintLine?.field, 'steps[0].body');
      assert.equal(lintLine?.line, 7);
      assert.ok(logged.some((l) => JSON.stringify(l.kept) === JSON.stringify(['launch'])));
    });
  });
});
