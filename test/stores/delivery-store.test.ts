import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { deliveryStore, isDuplicateKey, slotId, type DeliveryDoc, type DeliveryStore } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The delivery store's contract, against the embedded FerretDB or MONGODB_URL.
describe('delivery store', () => {
  let server: TestDatabase;
  let store: DeliveryStore;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const t1 = new Date('2026-03-02T09:05:00Z');
  const HOUR = 60 * 60 * 1000;

  const attempt = (enrollmentId: string, stepId: string, n: number, fields: Partial<DeliveryDoc> = {}): DeliveryDoc => ({
    _id: slotId(`${enrollmentId}:${stepId}`, n),
    enrollmentId,
    stepId,
    stepIndex: Number(stepId.replace(/\D/g, '')) || 0,
    attempt: n,
    state: 'sending',
    worker: 'w1',
    leaseUntil: new Date(t0.getTime() + 60_000),
    messageId: `<${enrollmentId}.${stepId}@parley.example>`,
    from: 'sales@parley.example',
    to: 'lead@lead.example',
    subject: 'Hello',
    text: 'Hi',
    references: [],
    claimedAt: t0,
    ...fields,
  });

  beforeAll(async () => {
    server = await startTestDatabase('delivery_store');
    store = deliveryStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await Promise.all([server.db.deliveries.deleteMany({}), server.db.sendClaims.deleteMany({})]);
  });

  it('claims an attempt once: of two workers racing for it one wins', async () => {
    const results = await Promise.all([store.claim(attempt('e1', 's1', 1)), store.claim(attempt('e1', 's1', 1, { worker: 'w2' }))]);
    assert.deepEqual(results.sort(), [false, true]);
    const [only] = await store.attempts('e1', 's1');
    assert.equal(only?.delivery, null);
    assert.equal(only?.claim._id, 'e1:s1#1');
  });

  it("lists a step's attempts newest first, each with its outcome once recorded", async () => {
    assert.deepEqual(await store.attempts('e1', 's1'), []);
    const first = attempt('e1', 's1', 1);
    const second = attempt('e1', 's1', 2, { claimedAt: t1 });
    await store.claim(first);
    await store.recordFailed(first, { code: 'SMTP_TEMPORARY', message: '451 try later', permanent: false });
    await store.claim(second);
    await store.recordSent(second, '250 ok', t1);
    await store.claim(attempt('e1', 's2', 1));
    const found = await store.attempts('e1', 's1');
    assert.deepEqual(
      found.map((a) => [a.claim.attempt, a.delivery?.state, a.delivery?.smtpResponse, a.delivery?.error?.code]),
      [
        [2, 'sent', '250 ok', undefined],
        [1, 'failed', undefined, 'SMTP_TEMPORARY'],
      ],
    );
    assert.equal(found[0]?.delivery?.sentAt?.getTime(), t1.getTime());
  });

  it("records an attempt's outcome once: a second record is refused", async () => {
    const first = attempt('e1', 's1', 1);
    await store.claim(first);
    await store.recordSent(first, '250 ok', t1);
    await assert.rejects(store.recordSent(first, '250 ok', t1), isDuplicateKey);
    await assert.rejects(store.recordAbandoned(first), isDuplicateKey);
  });

  it('counts the recent claims to contacts and from mailboxes, less released ones', async () => {
    const sent = attempt('e1', 's1', 1, { to: 'a@lead.example', claimedAt: t1 });
    const failed = attempt('e2', 's1', 1, { to: 'b@lead.example', claimedAt: t1 });
    const abandoned = attempt('e3', 's1', 1, { to: 'a@lead.example', from: 'other@parley.example', claimedAt: t1 });
    const old = attempt('e4', 's1', 1, { to: 'a@lead.example', claimedAt: new Date(t0.getTime() - 40 * 24 * HOUR) });
    for (const a of [sent, failed, abandoned, old]) assert.equal(await store.claim(a), true);
    await store.recordSent(sent, '250 ok', t1);
    await store.recordFailed(failed, { code: 'SMTP_PERMANENT', message: '550 no such user', permanent: true });
    await store.recordAbandoned(abandoned);
    const ids = (claims: Array<{ _id: string }>) => claims.map((c) => c._id).sort();
    const since = new Date(t0.getTime() - 30 * 24 * HOUR);
    assert.deepEqual(ids(await store.countedClaims({ to: { addresses: ['a@lead.example', 'b@lead.example'], since } })), ['e1:s1#1']);
    assert.deepEqual(ids(await store.countedClaims({ from: { addresses: ['sales@parley.example'], since: new Date(0) } })), [
      'e1:s1#1',
      'e4:s1#1',
    ]);
    assert.deepEqual(
      ids(
        await store.countedClaims({
          to: { addresses: ['a@lead.example'], since },
          from: { addresses: ['sales@parley.example'], since: new Date(0) },
        }),
      ),
      ['e1:s1#1', 'e4:s1#1'],
    );
    // Nothing asked, nothing read (an empty $in would scan the collection on FerretDB v1).
    assert.deepEqual(await store.countedClaims({ to: { addresses: [], since }, from: { addresses: [], since } }), []);
    assert.deepEqual(await store.countedClaims({}), []);
  });

  it('finds a delivery by any of several Message-IDs, and knows our own Message-IDs', async () => {
    const sent = attempt('e1', 's1', 1);
    await store.claim(sent);
    await store.recordSent(sent, '250 ok', t1);
    assert.equal((await store.withMessageId(['<other@x>', sent.messageId]))?._id, sent._id);
    assert.equal(await store.withMessageId(['<other@x>']), null);
    assert.equal(await store.withMessageId([]), null);
    assert.equal(await store.isOurs(sent.messageId), true);
    assert.equal(await store.isOurs('<other@x>'), false);
  });

  it("reads a thread's sent steps in step order and the last one sent", async () => {
    const one = attempt('e1', 's1', 1, { stepIndex: 0 });
    const two = attempt('e1', 's2', 1, { stepIndex: 1 });
    const elsewhere = attempt('e2', 's1', 1);
    const failed = attempt('e1', 's3', 1, { stepIndex: 2 });
    for (const a of [two, one, elsewhere, failed]) await store.claim(a);
    await store.recordSent(two, '250 ok', t1);
    await store.recordSent(one, '250 ok', t0);
    await store.recordSent(elsewhere, '250 ok', t1);
    await store.recordFailed(failed, { code: 'SMTP_TEMPORARY', message: '451', permanent: false });
    assert.deepEqual(
      (await store.sentInThread('e1')).map((d) => d.stepId),
      ['s1', 's2'],
    );
    assert.equal((await store.lastSentInThread('e1'))?.stepId, 's2');
    assert.equal(await store.lastSentInThread('e9'), null);
  });

  it('marks a soft-bounced step bounced, idempotently, leaving other steps sent', async () => {
    const one = attempt('e1', 's1', 1, { stepIndex: 0 });
    const two = attempt('e1', 's2', 1, { stepIndex: 1, to: 'other@lead.example' });
    for (const a of [one, two]) {
      await store.claim(a);
      await store.recordSent(a, '250 ok', t1);
    }
    await store.markBounced('e1', 's1');
    await store.markBounced('e1', 's1');
    assert.deepEqual(
      (await store.sentInThread('e1')).map((d) => d.stepId),
      ['s2'],
    );
    assert.equal((await store.attempts('e1', 's1'))[0]?.delivery?.state, 'bounced');
    assert.equal(await store.countSentOfStep('s2'), 1);
    assert.equal(await store.countSentOfStep('s1'), 0);
    assert.equal((await store.sentTo('other@lead.example'))?._id, two._id);
    assert.equal(await store.sentTo('lead@lead.example'), null);
  });
});
