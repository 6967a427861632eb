import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mailboxStore, type MailboxStore, type QuarantinedMessage } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The mailbox store's contract, against the embedded FerretDB or MONGODB_URL.
describe('mailbox store', () => {
  let server: TestDatabase;
  let store: MailboxStore;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const t1 = new Date('2026-03-02T09:05:00Z');
  const KEY = 'replies@imap.example:993/INBOX';

  const bad = (uid: number, fields: Partial<QuarantinedMessage> = {}): QuarantinedMessage => ({
    mailbox: 'INBOX',
    uidValidity: '7',
    uid,
    code: 'MESSAGE_MALFORMED',
    reason: 'no sender address',
    size: 1200,
    quarantinedAt: t0,
    ...fields,
  });

  beforeAll(async () => {
    server = await startTestDatabase('mailbox_store');
    store = mailboxStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await Promise.all([server.db.mailboxCursors.deleteMany({}), server.db.quarantine.deleteMany({})]);
  });

  it('has no cursor before the first poll; advancing creates it, then moves it', async () => {
    assert.equal(await store.cursor(KEY), undefined);
    await store.advanceCursor(KEY, { uidValidity: '7', lastUid: 3 }, t0);
    assert.deepEqual(await store.cursor(KEY), { uidValidity: '7', lastUid: 3 });
    await store.advanceCursor(KEY, { uidValidity: '7', lastUid: 9 }, t1);
    assert.deepEqual(await store.cursor(KEY), { uidValidity: '7', lastUid: 9 });
    // A late save from an older poll never moves it back.
    await store.advanceCursor(KEY, { uidValidity: '7', lastUid: 5 }, t1);
    assert.deepEqual(await store.cursor(KEY), { uidValidity: '7', lastUid: 9 });
    // A new UIDVALIDITY starts over.
    await store.advanceCursor(KEY, { uidValidity: '8', lastUid: 1 }, t1);
    assert.deepEqual(await store.cursor(KEY), { uidValidity: '8', lastUid: 1 });
    assert.equal(await store.cursor('other@imap.example:993/INBOX'), undefined);
    assert.equal(await server.db.mailboxCursors.countDocuments({}), 1);
  });

  it('quarantines a message once per place in the mailbox; again overwrites the record', async () => {
    await store.quarantine(bad(5));
    await store.quarantine(bad(5, { code: 'MESSAGE_TOO_LARGE', reason: 'too big', quarantinedAt: t1 }));
    await store.quarantine(bad(6));
    await store.quarantine(bad(5, { uidValidity: '8' }));
    assert.equal(await store.countQuarantined(), 3);
    const record = await server.db.quarantine.findOne({ _id: 'INBOX:7:5' });
    assert.deepEqual([record?.code, record?.reason, record?.quarantinedAt], ['MESSAGE_TOO_LARGE', 'too big', t1]);
  });
});
