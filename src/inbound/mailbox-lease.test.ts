import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Database } from '../db/index.ts';
import { startTestDatabase, type TestDatabase } from '../db/testing.ts';
import { MailboxLease, mailboxKey } from './mailbox-lease.ts';

// The lease against the real database (FerretDB, or MONGODB_URL), with an injected clock.
describe('mailbox lease', () => {
  let testDb: TestDatabase;
  let db: Database;
  let clock = new Date('2026-03-02T09:00:00Z');
  const now = () => clock;
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
  const LEASE_MS = 30_000;
  let mailboxes = 0;
  const pair = () => {
    const mailbox = `lee@imap.test:993/INBOX-${++mailboxes}`;
    const make = (holder: string) => new MailboxLease({ db, mailbox, leaseMs: LEASE_MS, holder, now });
    return { mailbox, a: make('host:1:aaaa'), b: make('host:2:bbbb') };
  };

  beforeAll(async () => {
    testDb = await startTestDatabase('lease');
    db = testDb.db;
  });
  afterAll(async () => {
    await testDb?.stop();
  });

  it('uses the cursor key of the mailbox', () => {
    assert.equal(
      mailboxKey({ auth: { user: 'lee', pass: 'x' }, host: 'imap.test', port: 993, mailbox: 'INBOX' }),
      'lee@imap.test:993/INBOX',
    );
    assert.equal(mailboxKey({ auth: undefined, host: 'imap.test', port: 143, mailbox: 'Replies' }), '@imap.test:143/Replies');
  });

  it('two leases racing for one mailbox: exactly one holds it', async () => {
    for (let round = 0; round < 5; round++) {
      const { a, b, mailbox } = pair();
      const won = await Promise.all([a.tryAcquire(), b.tryAcquire()]);
      assert.equal(won.filter(Boolean).length, 1, `round ${round}: one winner, got ${JSON.stringify(won)}`);
      assert.equal([a.held, b.held].filter(Boolean).length, 1);
      const terms = await db.mailboxLeases.find({ mailbox }).toArray();
      assert.equal(terms.length, 1);
      assert.equal(terms[0]?.holder, (a.held ? a : b).holder);
      assert.equal(terms[0]?._id, `${mailbox}#1`);
      // Trying again changes nothing.
      assert.equal(await (a.held ? b : a).tryAcquire(), false);
      assert.equal(await (a.held ? a : b).tryAcquire(), true);
    }
  });

  it('renewing keeps it past the first term; the other takes over only after it runs out', async () => {
    const { a, b, mailbox } = pair();
    assert.equal(await a.tryAcquire(), true);
    for (let i = 0; i < 6; i++) {
      advance(LEASE_MS / 3);
      assert.equal(await a.renew(), true, `renewal ${i}`);
      assert.equal(await b.tryAcquire(), false, `b refused at renewal ${i}`);
    }
    assert.equal(a.term, 7);
    // The holder dies: no more renewals. Just before the end b still waits, then takes over.
    advance(LEASE_MS - 1);
    assert.equal(await b.tryAcquire(), false);
    assert.equal(a.held, true);
    advance(1);
    assert.equal(a.held, false, 'the holder counts itself out when its term runs out');
    assert.equal(await b.tryAcquire(), true);
    assert.equal(b.term, 8);
    // The old holder comes back: its renewal fails, and it cannot take the lease back.
    assert.equal(await a.renew(), false);
    assert.equal(await a.tryAcquire(), false);
    const newest = await b.newest();
    assert.deepEqual([newest?.term, newest?.holder], [8, b.holder]);
    assert.equal(await db.mailboxLeases.countDocuments({ mailbox, holder: a.holder }), 7);
  });

  it('a late renewal loses the lease even when nobody took it', async () => {
    const { a, b } = pair();
    assert.equal(await a.tryAcquire(), true);
    advance(LEASE_MS);
    assert.equal(await a.renew(), false);
    assert.equal(a.held, false);
    assert.equal(await b.tryAcquire(), true);
  });

  it('a renewal racing a takeover: one of them wins', async () => {
    const { a, b } = pair();
    assert.equal(await a.tryAcquire(), true);
    // a's renewal comes when b (whose clock is the same) already sees the term as expired: a's
    // own check refuses it, so only b writes term 2.
    advance(LEASE_MS);
    const [renewed, taken] = await Promise.all([a.renew(), b.tryAcquire()]);
    assert.deepEqual([renewed, taken], [false, true]);
  });

  it('release hands the mailbox over at once', async () => {
    const { a, b, mailbox } = pair();
    assert.equal(await a.tryAcquire(), true);
    advance(1_000);
    await a.release();
    assert.equal(a.held, false);
    assert.equal(await b.tryAcquire(), true, 'no waiting for the lease to run out');
    assert.equal(b.term, 3);
    const released = await db.mailboxLeases.findOne({ _id: `${mailbox}#2` });
    assert.equal(released?.holder, a.holder);
    assert.equal(released?.until.getTime(), released?.at.getTime());
    // Releasing what one does not hold writes nothing.
    await a.release();
    assert.equal(await db.mailboxLeases.countDocuments({ mailbox }), 3);
  });

  it('adopts its own live term when a write landed but its answer was lost', async () => {
    const { a, mailbox } = pair();
    const again = new MailboxLease({ db, mailbox, leaseMs: LEASE_MS, holder: a.holder, now });
    assert.equal(await a.tryAcquire(), true);
    assert.equal(await again.tryAcquire(), true);
    assert.equal(again.term, 1);
  });

  it('the holder deletes old terms now and then', async () => {
    const { a, mailbox } = pair();
    assert.equal(await a.tryAcquire(), true);
    for (let i = 0; i < 60; i++) {
      advance(LEASE_MS / 3);
      assert.equal(await a.renew(), true);
    }
    assert.equal(a.term, 61);
    // At term 50 the terms below 40 went; 40..61 remain.
    assert.equal(await db.mailboxLeases.countDocuments({ mailbox }), 22);
  });
});
