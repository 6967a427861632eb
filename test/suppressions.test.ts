import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, liftAuditId, suppressionEntryId, type Database } from '../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { liftSuppression, listSuppressions, suppressContact } from '../src/optout/index.ts';
import { contactDoc, enrollmentDoc } from '../src/optout/testing.ts';
import { addRep } from '../src/reps/index.ts';
import { HEAD, ONE_STEP, sequenceOf } from '../src/sequences/testing.ts';
import { runCli } from './support/worker-process.ts';

const PASSWORD = 'correct horse battery staple';
const ADMIN = { _id: 'ada@parley.test', role: 'admin' as const };
const REP = { _id: 'rob@parley.test', role: 'rep' as const };
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute));

// The suppression register, lifting with its audit entry, and `parley suppressions` as a real
// process, on the test run's database server (FerretDB unless MONGODB_URL is set).
describe('suppressions: listed, and lifted by an admin with an audit entry', () => {
  let testDb: TestDatabase | undefined;
  let db: Database;
  let env: Record<string, string>;

  /** A contact with one active enrollment, suppressed as given. */
  async function suppressed(id: string, email: string, minute: number, how: 'link' | 'bounce' | 'reply') {
    const contact = contactDoc(id, email);
    await db.contacts.insertOne(contact);
    await db.enrollments.insertOne(enrollmentDoc(`e-${id}`, contact, 'active'));
    if (how === 'bounce')
      await suppressContact(db, id, {
        reason: 'bounce',
        source: 'reply',
        replyId: `mid:<bounce-${id}@mx.example>`,
        now: at(minute),
        bounce: { status: '5.1.1', diagnostic: '550 5.1.1 user unknown' },
      });
    else
      await suppressContact(db, id, {
        reason: 'unsubscribe',
        source: how,
        now: at(minute),
        ...(how === 'reply' && { replyId: `mid:<stop-${id}@lead.example>` }),
      });
  }

  beforeAll(async () => {
    testDb = await startTestDatabase('suppressions');
    db = testDb.db;
    env = { MONGODB_URL: testDb.url, MONGODB_DB: testDb.name, LOG_LEVEL: 'silent' };
    await suppressed('c-link', 'link@lead.example', 1, 'link');
    await suppressed('c-bounce', 'bounce@lead.example', 2, 'bounce');
    await suppressed('c-reply', 'reply@lead.example', 3, 'reply');
    await suppressed('c-cli', 'cli@lead.example', 4, 'link');
  });
  afterAll(async () => {
    await testDb?.stop();
  });

  it('lists who is suppressed, why, when and on what evidence, newest first, in bounded pages', async () => {
    const first = await listSuppressions(db, { limit: 2 });
    assert.deepEqual(
      first.entries.map((s) => s.email),
      ['cli@lead.example', 'reply@lead.example'],
    );
    assert.ok(first.next);
    const second = await listSuppressions(db, { limit: 2, before: first.next });
    assert.deepEqual(
      second.entries.map((s) => s.email),
      ['bounce@lead.example', 'link@lead.example'],
    );
    assert.equal(second.next, undefined);

    const [bounce] = (await listSuppressions(db, { limit: 10, reason: 'bounce' })).entries;
    assert.deepEqual(
      { reason: bounce?.reason, at: bounce?.at, replyId: bounce?.replyId, bounce: bounce?.bounce },
      {
        reason: 'bounce',
        at: at(2),
        replyId: 'mid:<bounce-c-bounce@mx.example>',
        bounce: { status: '5.1.1', diagnostic: '550 5.1.1 user unknown' },
      },
    );
    // Suppressing again (a retried POST, a reply handled twice) lists nothing twice.
    await suppressContact(db, 'c-link', { reason: 'unsubscribe', source: 'mailto', now: at(30) });
    assert.equal((await listSuppressions(db, { limit: 10 })).entries.length, 4);
  });

  it('lets an admin lift a suppression with a reason: an audit entry with the prior state, and the contact can be enrolled again', async () => {
    const noReason = await liftSuppression(db, { email: 'bounce@lead.example', by: ADMIN, reason: '  ', now: at(40) });
    assert.equal(noReason.kind === 'refused' && noReason.code, 'reason_missing');

    const result = await liftSuppression(db, {
      email: 'Bounce@Lead.example',
      by: ADMIN,
      reason: 'their mail server was misconfigured that day',
      now: at(41),
    });
    assert.equal(result.kind, 'lifted');
    const audit = await db.suppressionAudit.findOne({ _id: liftAuditId('c-bounce', at(2)) });
    assert.deepEqual(
      { by: audit?.by, at: audit?.at, reason: audit?.reason, prior: audit?.prior.suppressed.reason, status: audit?.prior.undeliverable },
      { by: ADMIN._id, at: at(41), reason: 'their mail server was misconfigured that day', prior: 'bounce', status: undefined },
    );
    const contact = await db.contacts.findOne({ _id: 'c-bounce' });
    assert.equal(contact?.suppressed, undefined);
    const entry = await db.suppressions.findOne({ _id: suppressionEntryId('c-bounce', at(2)) });
    assert.deepEqual(entry?.lifted, { at: at(41), by: ADMIN._id, auditId: audit?._id });
    assert.ok(!(await listSuppressions(db, { limit: 10 })).entries.some((s) => s.email === 'bounce@lead.example'));

    // The enrollment the bounce stopped stays stopped; enrolling again works.
    assert.equal((await db.enrollments.findOne({ _id: 'e-c-bounce' }))?.status, 'stopped');
    const sequence = sequenceOf(HEAD.replace('id: demo', 'id: after-lift') + ONE_STEP);
    const [again] = await enrollContacts(db, sequence, [{ email: 'bounce@lead.example' }]);
    assert.equal(again?.outcome, 'enrolled');
  });

  it('refuses a rep who is not an admin, and writes nothing', async () => {
    const result = await liftSuppression(db, { email: 'reply@lead.example', by: REP, reason: 'asked nicely', now: at(42) });
    assert.equal(result.kind === 'refused' && result.code, 'not_admin');
    assert.ok((await db.contacts.findOne({ _id: 'c-reply' }))?.suppressed);
    assert.equal(await db.suppressionAudit.countDocuments({ contactId: 'c-reply' }), 0);
  });

  it('lifts once when two admins lift at the same time, and a second lift is harmless', async () => {
    const lift = (by: string, reason: string) =>
      liftSuppression(db, { email: 'reply@lead.example', by: { _id: by, role: 'admin' }, reason, now: at(43) });
    const both = await Promise.all([lift('ada@parley.test', 'first'), lift('ben@parley.test', 'second')]);
    assert.deepEqual(both.map((r) => r.kind).sort(), ['already_lifted', 'lifted']);
    const audits = await db.suppressionAudit.find({ contactId: 'c-reply' }).toArray();
    assert.equal(audits.length, 1);
    const again = await lift('ben@parley.test', 'again');
    assert.ok(again.kind === 'already_lifted');
    assert.equal(again.audit._id, audits[0]?._id);
    assert.equal(await db.suppressionAudit.countDocuments({ contactId: 'c-reply' }), 1);
    // Opting out again after the lift is a new suppression and a new `unsubscribed` event; its redo is neither.
    for (let i = 0; i < 2; i++) await suppressContact(db, 'c-reply', { reason: 'unsubscribe', source: 'link', now: at(50 + i) });
    const events = await db.events.find({ type: 'unsubscribed', contactId: 'c-reply' }).toArray();
    assert.deepEqual(events.map((ev) => ev._id).sort(), ['unsubscribed:c-reply', 'unsubscribed:c-reply#1']);
    const listed = (await listSuppressions(db, { limit: 10 })).entries.find((s) => s.contactId === 'c-reply');
    assert.deepEqual([listed?.at, listed?.eventId], [at(50), 'unsubscribed:c-reply#1']);
    // Nothing to lift on a contact never suppressed.
    await db.contacts.insertOne(contactDoc('c-never', 'never@lead.example'));
    const never = await liftSuppression(db, { email: 'never@lead.example', by: ADMIN, reason: 'x', now: at(44) });
    assert.equal(never.kind === 'refused' && never.code, 'not_suppressed');
  });

  it('finishes a lift cut off after any of its writes', async () => {
    // Cut off after the audit entry: the contact is still suppressed, the entry still listed.
    await suppressed('c-cut1', 'cut1@lead.example', 5, 'link');
    await db.suppressionAudit.insertOne({
      _id: liftAuditId('c-cut1', at(5)),
      action: 'lift',
      contactId: 'c-cut1',
      email: 'cut1@lead.example',
      by: ADMIN._id,
      at: at(45),
      reason: 'cut off',
      prior: { suppressed: { reason: 'unsubscribe', source: 'link', at: at(5) } },
    });
    const redo = await liftSuppression(db, { email: 'cut1@lead.example', by: ADMIN, reason: 'redo', now: at(46) });
    assert.equal(redo.kind, 'already_lifted');
    assert.equal((await db.contacts.findOne({ _id: 'c-cut1' }))?.suppressed, undefined);
    assert.equal((await db.suppressions.findOne({ _id: suppressionEntryId('c-cut1', at(5)) }))?.lifted?.by, ADMIN._id);

    // Cut off after the contact's write: the register entry is marked from the audit entry.
    await db.suppressions.updateOne({ _id: suppressionEntryId('c-cut1', at(5)) }, { $unset: { lifted: '' } });
    await liftSuppression(db, { email: 'cut1@lead.example', by: ADMIN, reason: 'redo', now: at(47) });
    assert.equal(
      (await db.suppressions.findOne({ _id: suppressionEntryId('c-cut1', at(5)) }))?.lifted?.auditId,
      liftAuditId('c-cut1', at(5)),
    );
  });

  it('does not lift a suppression newer than the one the admin saw', async () => {
    await suppressed('c-again', 'again@lead.example', 6, 'link');
    const result = await liftSuppression(db, { email: 'again@lead.example', by: ADMIN, reason: 'x', now: at(48), expectedAt: at(1) });
    assert.equal(result.kind === 'refused' && result.code, 'changed');
    assert.ok((await db.contacts.findOne({ _id: 'c-again' }))?.suppressed);
  });

  it('lists suppressions stored before the register existed, once, at start', async () => {
    await db.contacts.insertOne({ ...contactDoc('c-old', 'old@lead.example'), suppressed: { reason: 'unsubscribe', at: at(0) } });
    await db.db.collection<{ _id: string }>('migrations').deleteOne({ _id: 'suppressions-register' });
    const again = await connectDatabase(testDb!.url, testDb!.name);
    await again.close();
    const entry = await db.suppressions.findOne({ _id: suppressionEntryId('c-old', at(0)) });
    assert.equal(entry?.email, 'old@lead.example');
  });

  it('lists, lifts and shows the audit trail from the command line, for admins only', async () => {
    await addRep(db, { email: 'ada@parley.test', name: 'Ada Admin', role: 'admin', password: PASSWORD });
    await addRep(db, { email: 'rob@parley.test', name: 'Rob Rep', role: 'rep', password: PASSWORD });

    const listed = await runCli(['suppressions', 'list', '--reason', 'unsubscribe'], env);
    assert.match(listed, /cli@lead\.example\tunsubscribe link\t2026-12-01T09:04:00\.000Z\tevent unsubscribed:c-cli/);
    const json = JSON.parse(await runCli(['suppressions', 'list', '--json', '--limit', '1'], env)) as { entries: unknown[]; next?: string };
    assert.equal(json.entries.length, 1);
    assert.ok(json.next);

    const refused = await runCli(['suppressions', 'lift', 'cli@lead.example', '--reason', 'please', '--as', 'rob@parley.test'], env).then(
      () => '',
      (error: unknown) => String(error),
    );
    assert.match(refused, /Only an admin can lift a suppression.*\[not_admin\]/);

    const lifted = await runCli(
      ['suppressions', 'lift', 'cli@lead.example', '--reason', 'signed up again', '--as', 'ada@parley.test'],
      env,
    );
    assert.match(lifted, /cli@lead\.example: suppression lifted \(was unsubscribe link since 2026-12-01T09:04:00\.000Z\)/);
    assert.match(lifted, /stay stopped/);
    const twice = await runCli(['suppressions', 'lift', 'cli@lead.example', '--reason', 'again', '--as', 'ada@parley.test'], env);
    assert.match(twice, /already lifted by ada@parley\.test/);

    const audit = await runCli(['suppressions', 'audit'], env);
    assert.match(
      audit,
      /ada@parley\.test\tlift\tcli@lead\.example\twas unsubscribe link since 2026-12-01T09:04:00\.000Z\t"signed up again"/,
    );
    assert.equal((await db.contacts.findOne({ _id: 'c-cli' }))?.suppressed, undefined);
  });

  it('shows the mail that matched nothing from the command line, a forged report with the address it names', async () => {
    await db.replies.insertOne({
      _id: 'mid:<forged@stranger.example>',
      mailbox: 'INBOX',
      uidValidity: '1',
      uid: 7,
      from: 'prank@stranger.example',
      subject: 'Undelivered Mail Returned to Sender\u001b[2J',
      references: [],
      visibleText: '',
      state: 'unmatched',
      intent: 'bounce',
      analysis: {
        automatic: { isAutomatic: true, evidence: [] },
        bounce: {
          kind: 'hard',
          status: '5.1.1',
          diagnostic: 'user unknown',
          recipient: 'named@lead.example',
          originalMessageId: undefined,
        },
        qualification: {},
      },
      receivedAt: at(55),
    });
    const out = await runCli(['suppressions', 'unmatched'], env);
    assert.match(
      out,
      /2026-12-01T09:55:00\.000Z\tprank@stranger\.example\tUndelivered Mail Returned to Sender \[2J\tbounce\thard bounce, names named@lead\.example, status 5\.1\.1, cites no message, "user unknown"/,
    );
    assert.doesNotMatch(out, /\u001b/, 'no terminal escapes from mail');
  });
});
