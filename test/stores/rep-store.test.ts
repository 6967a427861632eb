import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { repStore, type RepDoc, type RepMessageDoc, type RepStore } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The rep store's contract, against the embedded FerretDB or MONGODB_URL.
describe('rep store', () => {
  let server: TestDatabase;
  let store: RepStore;
  const t0 = new Date('2026-03-02T09:00:00Z');

  const rep = (id: string, fields: Partial<RepDoc> = {}): RepDoc => ({
    _id: id,
    name: id.split('@')[0] ?? id,
    role: 'rep',
    passwordHash: 'scrypt$test',
    onDuty: true,
    lead: false,
    createdAt: t0,
    ...fields,
  });
  const answer = (id: string, fields: Partial<RepMessageDoc> = {}): RepMessageDoc => ({
    _id: id,
    messageId: id,
    taskId: 'reply:r1',
    enrollmentId: 'e1',
    rep: 'ann@parley.example',
    from: 'sales@parley.example',
    to: 'lead@lead.example',
    subject: 'Re: hello',
    text: 'Thanks!',
    references: [],
    state: 'sending',
    createdAt: t0,
    ...fields,
  });

  beforeAll(async () => {
    server = await startTestDatabase('rep_store');
    store = repStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await Promise.all([server.db.reps.deleteMany({}), server.db.repMessages.deleteMany({})]);
  });

  it('adds a rep once per address: of two racing inserts one goes in', async () => {
    const results = await Promise.all([
      store.insert(rep('ann@parley.example')),
      store.insert(rep('ann@parley.example', { name: 'Other' })),
    ]);
    assert.deepEqual(results.sort(), ['duplicate', 'inserted']);
    assert.equal(await store.exists('ann@parley.example'), true);
    assert.equal(await store.exists('bo@parley.example'), false);
    assert.equal(await store.get('bo@parley.example'), null);
  });

  it('lists reps, those on duty and the leads by address, and takes a rep off duty', async () => {
    await store.insert(rep('cy@parley.example', { lead: true }));
    await store.insert(rep('ann@parley.example'));
    await store.insert(rep('bo@parley.example', { onDuty: false, lead: true }));
    const ids = (reps: RepDoc[]) => reps.map((r) => r._id);
    assert.deepEqual(ids(await store.all()), ['ann@parley.example', 'bo@parley.example', 'cy@parley.example']);
    assert.deepEqual(ids(await store.onDuty()), ['ann@parley.example', 'cy@parley.example']);
    assert.deepEqual(ids(await store.leads()), ['bo@parley.example', 'cy@parley.example']);
    assert.equal(await store.setOnDuty('ann@parley.example', false), true);
    assert.equal(await store.setOnDuty('nobody@parley.example', false), false);
    assert.deepEqual(ids(await store.onDuty()), ['cy@parley.example']);
  });

  it('records an answer before sending, then marks it sent or failed; the thread shows sent ones', async () => {
    await store.recordAnswer(answer('<a1@parley.example>'));
    await store.recordAnswer(answer('<a2@parley.example>'));
    await store.recordAnswer(answer('<a3@parley.example>', { enrollmentId: 'e2' }));
    await store.answerSent('<a1@parley.example>', t0, '250 ok');
    await store.answerFailed('<a2@parley.example>', 'refused');
    const [sent] = await store.answersInThread('e1');
    assert.deepEqual([sent?._id, sent?.state, sent?.sentAt, sent?.smtpResponse], ['<a1@parley.example>', 'sent', t0, '250 ok']);
    assert.equal((await store.answersInThread('e1')).length, 1);
    assert.equal((await store.answerWithMessageId(['<x@y>', '<a2@parley.example>']))?.error, 'refused');
    assert.equal(await store.answerWithMessageId(['<x@y>']), null);
  });
});
