import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { replyStore, type ReplyDecision, type ReplyDoc, type ReplyStore } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The reply store's contract, against the embedded FerretDB or MONGODB_URL.
describe('reply store', () => {
  let server: TestDatabase;
  let store: ReplyStore;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const t1 = new Date('2026-03-02T09:05:00Z');

  const reply = (id: string, fields: Partial<ReplyDoc> = {}): ReplyDoc => ({
    _id: id,
    messageId: id.replace(/^mid:/, ''),
    mailbox: 'INBOX',
    uidValidity: '7',
    uid: 1,
    from: 'lead@lead.example',
    subject: 'Re: hello',
    references: [],
    visibleText: 'Sounds good',
    state: 'received',
    receivedAt: t0,
    ...fields,
  });
  const decision: ReplyDecision = { intent: 'interested', confidence: 0.9, explanation: 'asks for a call' };

  beforeAll(async () => {
    server = await startTestDatabase('reply_store');
    store = replyStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await server.db.replies.deleteMany({});
  });

  it('receives a message once: of two racing copies one is received, the other is a duplicate', async () => {
    const results = await Promise.all([store.receive(reply('mid:<r1@x>')), store.receive(reply('mid:<r1@x>', { uid: 2 }))]);
    assert.deepEqual(results.sort(), ['duplicate', 'received']);
    assert.equal((await store.get('mid:<r1@x>'))?.state, 'received');
    assert.equal(await store.get('mid:<none@x>'), null);
  });

  it('marks a reply unmatched, or processed with its match, decision and outcome', async () => {
    await store.receive(reply('mid:<r1@x>'));
    await store.receive(reply('mid:<r2@x>'));
    await store.markUnmatched('mid:<r1@x>', decision, t1);
    await store.markProcessed(
      'mid:<r2@x>',
      { enrollmentId: 'e1', contactId: 'c1', matchedBy: 'thread', stepId: 's1', outcome: 'pause_and_task' },
      decision,
      t1,
    );
    const unmatched = await store.get('mid:<r1@x>');
    assert.deepEqual(
      [unmatched?.state, unmatched?.intent, unmatched?.processedAt, unmatched?.enrollmentId],
      ['unmatched', 'interested', t1, undefined],
    );
    const processed = await store.get('mid:<r2@x>');
    assert.deepEqual(
      [
        processed?.state,
        processed?.enrollmentId,
        processed?.contactId,
        processed?.matchedBy,
        processed?.stepId,
        processed?.outcome,
        processed?.confidence,
        processed?.processedAt,
      ],
      ['processed', 'e1', 'c1', 'thread', 's1', 'pause_and_task', 0.9, t1],
    );
    // Finishing a handling cut off half-way writes the same decision again.
    await store.markProcessed(
      'mid:<r2@x>',
      { enrollmentId: 'e1', contactId: 'c1', matchedBy: 'thread', stepId: 's1', outcome: 'pause_and_task' },
      decision,
      t1,
    );
    assert.deepEqual(await store.get('mid:<r2@x>'), processed);
  });

  it('counts handled and unmatched replies', async () => {
    await store.receive(reply('mid:<r1@x>'));
    await store.receive(reply('mid:<r2@x>'));
    await store.receive(reply('mid:<r3@x>'));
    await store.markUnmatched('mid:<r1@x>', decision, t1);
    await store.markProcessed('mid:<r2@x>', { enrollmentId: 'e1', contactId: 'c1', matchedBy: 'sender' }, decision, t1);
    assert.equal(await store.countHandled(), 2);
    assert.equal(await store.countUnmatched(), 1);
  });

  it('lists the replies of an enrollment', async () => {
    await store.receive(reply('mid:<r1@x>', { enrollmentId: 'e1' }));
    await store.receive(reply('mid:<r2@x>', { enrollmentId: 'e2' }));
    await store.receive(reply('mid:<r3@x>', { enrollmentId: 'e1' }));
    assert.deepEqual((await store.inThread('e1')).map((r) => r._id).sort(), ['mid:<r1@x>', 'mid:<r3@x>']);
    assert.deepEqual(await store.inThread('e3'), []);
  });

  it('keeps a rep correction beside the label; training reads the corrected replies only', async () => {
    await store.receive(reply('mid:<r1@x>', { intent: 'unclear', visibleText: 'call me' }));
    await store.receive(reply('mid:<r2@x>'));
    const correction = { intent: 'meeting_request' as const, by: 'ann@parley.example', at: t1 };
    await store.correct('mid:<r1@x>', correction);
    const stored = await store.get('mid:<r1@x>');
    assert.deepEqual([stored?.intent, stored?.correction], ['unclear', correction]);
    const corrected = await store.corrected();
    assert.deepEqual(
      corrected.map((r) => [r._id, r.visibleText, r.correction?.intent]),
      [['mid:<r1@x>', 'call me', 'meeting_request']],
    );
  });
});
