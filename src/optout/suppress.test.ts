import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { suppressContact } from './index.ts';
import { contactDoc, enrollmentDoc } from './testing.ts';
import { startTestDatabase } from '../db/testing.ts';

// Against FerretDB (or MONGODB_URL): the writes are the point.
describe('suppressContact', () => {
  let db: Database;
  let stop: () => Promise<void>;
  const t1 = new Date('2026-02-01T10:00:00Z');
  const t2 = new Date('2026-02-02T10:00:00Z');

  beforeAll(async () => {
    ({ db, stop } = await startTestDatabase('optout'));
  });
  afterAll(async () => {
    await stop?.();
  });

  it('suppresses the contact and stops its active and paused enrollments, nothing else', async () => {
    const anna = contactDoc('c-anna', 'anna@lead.example');
    const other = contactDoc('c-other', 'other@lead.example');
    await db.contacts.insertMany([anna, other]);
    await db.enrollments.insertMany([
      enrollmentDoc('e-active', anna, 'active'),
      enrollmentDoc('e-paused', anna, 'paused'),
      { ...enrollmentDoc('e-done', anna, 'completed'), statusReason: 'finished' },
      enrollmentDoc('e-other', other, 'active'),
    ]);

    const result = await suppressContact(db, 'c-anna', { reason: 'unsubscribe', source: 'link', now: t1 });

    assert.deepEqual(result, {
      found: true,
      suppressedNow: true,
      suppression: { reason: 'unsubscribe', at: t1, source: 'link' },
      stoppedEnrollments: 2,
    });
    assert.deepEqual((await db.contacts.findOne({ _id: 'c-anna' }))?.suppressed, { reason: 'unsubscribe', at: t1, source: 'link' });
    const enrollments = await db.enrollments.find({}, { sort: { _id: 1 } }).toArray();
    assert.deepEqual(
      enrollments.map((e) => [e._id, e.status, e.statusReason, e.nextStepAt]),
      [
        ['e-active', 'stopped', 'unsubscribed (link)', null],
        ['e-done', 'completed', 'finished', null],
        ['e-other', 'active', undefined, new Date('2026-01-06T09:00:00Z')],
        ['e-paused', 'stopped', 'unsubscribed (link)', null],
      ],
    );
    assert.equal((await db.contacts.findOne({ _id: 'c-other' }))?.suppressed, undefined);
  });

  it('keeps the first suppression and is harmless when repeated', async () => {
    const again = await suppressContact(db, 'c-anna', { reason: 'unsubscribe', source: 'mailto', replyId: 'mid:x', now: t2 });
    assert.deepEqual(again, {
      found: true,
      suppressedNow: false,
      suppression: { reason: 'unsubscribe', at: t1, source: 'link' },
      stoppedEnrollments: 0,
    });
    assert.deepEqual((await db.contacts.findOne({ _id: 'c-anna' }))?.suppressed, { reason: 'unsubscribe', at: t1, source: 'link' });
  });

  it('still stops enrollments of an already suppressed contact (finishing a cut-off call)', async () => {
    const kim = {
      ...contactDoc('c-kim', 'kim@lead.example'),
      suppressed: { reason: 'bounce' as const, at: t1, source: 'reply' as const, replyId: 'mid:b' },
    };
    await db.contacts.insertOne(kim);
    await db.enrollments.insertOne(enrollmentDoc('e-kim', kim, 'active'));

    const result = await suppressContact(db, 'c-kim', { reason: 'unsubscribe', source: 'reply', replyId: 'mid:r', now: t2 });

    assert.equal(result.suppressedNow, false);
    assert.equal(result.suppression?.reason, 'bounce');
    assert.equal(result.stoppedEnrollments, 1);
    const enrollment = await db.enrollments.findOne({ _id: 'e-kim' });
    assert.deepEqual(
      [enrollment?.status, enrollment?.statusReason, enrollment?.statusReplyId],
      ['stopped', 'unsubscribed (reply)', 'mid:r'],
    );
  });

  it('treats a stored null as not suppressed (the driver writes `undefined` as null)', async () => {
    await db.contacts.insertOne({ ...contactDoc('c-null', 'null@lead.example'), suppressed: undefined });
    const result = await suppressContact(db, 'c-null', { reason: 'unsubscribe', source: 'mailto', replyId: 'mid:m', now: t1 });
    assert.equal(result.suppressedNow, true);
    assert.deepEqual((await db.contacts.findOne({ _id: 'c-null' }))?.suppressed, {
      reason: 'unsubscribe',
      at: t1,
      source: 'mailto',
      replyId: 'mid:m',
    });
  });

  it('reports a contact that does not exist, and writes nothing', async () => {
    const result = await suppressContact(db, 'c-gone', { reason: 'unsubscribe', source: 'link', now: t1 });
    assert.deepEqual(result, { found: false, suppressedNow: false, suppression: undefined, stoppedEnrollments: 0 });
    assert.equal(await db.contacts.countDocuments({ _id: 'c-gone' }), 0);
  });
});
