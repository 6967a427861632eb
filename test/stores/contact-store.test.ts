import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { contactStore, type ContactStore, type Suppression } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The contact store's contract, against the embedded FerretDB or MONGODB_URL.
describe('contact store', () => {
  let server: TestDatabase;
  let store: ContactStore;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const t1 = new Date('2026-03-02T09:05:00Z');

  beforeAll(async () => {
    server = await startTestDatabase('contact_store');
    store = contactStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await server.db.contacts.deleteMany({});
  });

  it('creates a contact once per address: racing upserts agree on one contact', async () => {
    const [a, b] = await Promise.all([
      store.upsert({ email: 'ann@lead.example', firstName: 'Ann' }, t0),
      store.upsert({ email: 'ann@lead.example', company: 'Acme' }, t0),
    ]);
    assert.equal(a._id, b._id);
    const stored = await store.get(a._id);
    assert.equal(stored?.email, 'ann@lead.example');
    assert.equal(await server.db.contacts.countDocuments({ email: 'ann@lead.example' }), 1);
  });

  it('updates the fields given on an existing contact; custom fields merge', async () => {
    const created = await store.upsert({ email: 'ann@lead.example', firstName: 'Ann', fields: { plan: 'pro', seats: '5' } }, t0);
    const updated = await store.upsert({ email: 'ann@lead.example', company: 'Acme', fields: { seats: '8' } }, t1);
    assert.equal(updated._id, created._id);
    const stored = await store.get(created._id);
    assert.deepEqual(
      [stored?.firstName, stored?.company, stored?.fields, stored?.createdAt, stored?.updatedAt],
      ['Ann', 'Acme', { plan: 'pro', seats: '8' }, t0, t1],
    );
    assert.deepEqual(updated, stored);
  });

  it('upserts many: creates the new, updates the known, and gives an id per address', async () => {
    const known = await store.upsert({ email: 'ann@lead.example', fields: { plan: 'pro' } }, t0);
    const result = await store.upsertMany(
      [
        { email: 'ann@lead.example', fields: { seats: '3' } },
        { email: 'bo@lead.example', lastName: 'Bo' },
      ],
      t1,
    );
    assert.deepEqual([result.created, result.updated], [1, 1]);
    assert.equal(result.ids.get('ann@lead.example'), known._id);
    const bo = await store.get(result.ids.get('bo@lead.example') ?? '');
    assert.deepEqual([bo?.email, bo?.lastName, bo?.fields], ['bo@lead.example', 'Bo', {}]);
    assert.deepEqual((await store.get(known._id))?.fields, { plan: 'pro', seats: '3' });
    assert.deepEqual(await store.upsertMany([], t1), { created: 0, updated: 0, ids: new Map() });
  });

  it('upserts many while another writer creates the same addresses: one contact each', async () => {
    const inputs = ['a', 'b', 'c'].map((n) => ({ email: `${n}@lead.example` }));
    const [first, second] = await Promise.all([store.upsertMany(inputs, t0), store.upsertMany(inputs, t0)]);
    for (const { email } of inputs) assert.equal(first.ids.get(email), second.ids.get(email));
    assert.equal(await server.db.contacts.countDocuments({}), 3);
  });

  it('reads many contacts and their addresses by id; none asked, none read', async () => {
    const ann = await store.upsert({ email: 'ann@lead.example' }, t0);
    const bo = await store.upsert({ email: 'bo@lead.example' }, t0);
    assert.deepEqual((await store.getMany([ann._id, bo._id, 'gone'])).map((c) => c.email).sort(), ['ann@lead.example', 'bo@lead.example']);
    assert.deepEqual(await store.emailsOf([bo._id, 'gone']), new Map([[bo._id, 'bo@lead.example']]));
    assert.deepEqual(await store.getMany([]), []);
    assert.deepEqual(await store.emailsOf([]), new Map());
  });

  it('suppresses once: the first suppression stays, later calls report it', async () => {
    const ann = await store.upsert({ email: 'ann@lead.example' }, t0);
    const first: Suppression = { reason: 'unsubscribe', at: t0, source: 'link' };
    const later: Suppression = { reason: 'bounce', at: t1, source: 'reply', replyId: 'mid:<b@x>' };
    assert.deepEqual(await store.suppress(ann._id, first, t0), { found: true, suppressedNow: true, suppression: first });
    assert.deepEqual(await store.suppress(ann._id, later, t1), { found: true, suppressedNow: false, suppression: first });
    assert.deepEqual(await store.mailingStatus(ann._id), { _id: ann._id, email: 'ann@lead.example', suppressed: first });
    assert.deepEqual(await store.suppress('gone', first, t0), { found: false, suppressedNow: false, suppression: undefined });
    assert.equal(await store.mailingStatus('gone'), null);
  });

  it('suppresses a contact whose suppression was stored as null', async () => {
    const ann = await store.upsert({ email: 'ann@lead.example' }, t0);
    await server.db.contacts.updateOne({ _id: ann._id }, { $set: { suppressed: undefined } });
    const suppression: Suppression = { reason: 'unsubscribe', at: t1, source: 'mailto' };
    assert.equal((await store.suppress(ann._id, suppression, t1)).suppressedNow, true);
  });

  it('marks qualified once; records what replies revealed and a hard bounce', async () => {
    const ann = await store.upsert({ email: 'ann@lead.example' }, t0);
    await store.markQualified(ann._id, { at: t0, sequenceId: 'seq', replyId: 'mid:<1@x>' }, t0);
    await store.markQualified(ann._id, { at: t1, sequenceId: 'other', replyId: 'mid:<2@x>' }, t1);
    await store.recordQualification(ann._id, { teamSize: 12, answers: { tool: 'Excel' } }, t1);
    await store.markUndeliverable(ann._id, { at: t1, status: '5.1.1', diagnostic: 'no such user' }, t1);
    const stored = await store.get(ann._id);
    assert.deepEqual(stored?.qualified, { at: t0, sequenceId: 'seq', replyId: 'mid:<1@x>' });
    assert.deepEqual(stored?.qualification, { teamSize: 12, answers: { tool: 'Excel' } });
    assert.deepEqual(stored?.undeliverable, { at: t1, status: '5.1.1', diagnostic: 'no such user' });
    assert.deepEqual(stored?.updatedAt, t1);
  });

  it('reads what segment rules read of contacts: by address, by ids, and all in one streamed pass', async () => {
    const ann = await store.upsert({ email: 'ann@lead.example', firstName: 'Ann', company: 'Acme', fields: { plan: 'pro' } }, t0);
    const bo = await store.upsert({ email: 'bo@lead.example' }, t0);
    const seen = { _id: ann._id, email: 'ann@lead.example', firstName: 'Ann', company: 'Acme', fields: { plan: 'pro' } };
    assert.deepEqual(await store.segmentContactByEmail('ann@lead.example'), seen);
    assert.equal(await store.segmentContactByEmail('nobody@lead.example'), null);
    assert.deepEqual(await store.segmentContacts([ann._id, 'missing']), [seen]);
    assert.deepEqual(await store.segmentContacts([]), []);
    const all: string[] = [];
    for await (const c of store.allSegmentContacts(1)) all.push(c._id);
    assert.deepEqual(all.sort(), [ann._id, bo._id].sort());
  });
});
