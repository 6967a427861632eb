import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { enrollmentStore, type EnrollmentDoc, type EnrollmentStore } from '../../src/db/index.ts';
import { stopChange, transition, type EnrollmentEvent } from '../../src/enrollments/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The enrollment store's contract, against the embedded FerretDB or MONGODB_URL.
describe('enrollment store', () => {
  let server: TestDatabase;
  let store: EnrollmentStore;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  let n = 0;

  const enrollment = (fields: Partial<EnrollmentDoc> = {}): EnrollmentDoc => {
    n += 1;
    return {
      _id: `e${n}`,
      contactId: `c${n}`,
      email: `lead${n}@lead.example`,
      sequenceId: 'trial',
      status: 'active',
      passedStepIds: [],
      skippedSteps: [],
      nextStepAt: at(10),
      threadMessageIds: [],
      enrolledAt: t0,
      updatedAt: t0,
      round: 1,
      source: { kind: 'manual' },
      ...fields,
    };
  };
  const stored = async (fields: Partial<EnrollmentDoc> = {}) => {
    const doc = enrollment(fields);
    assert.equal(await store.insert(doc), 'inserted');
    return doc;
  };
  /** Decides on `read` and writes, as callers do. */
  const apply = async (read: EnrollmentDoc, event: EnrollmentEvent, now = at(20)) => {
    const result = transition(read, event, now);
    assert.ok(result.ok, 'the transition should be legal on the state read');
    return store.apply(read._id, result.change);
  };

  beforeAll(async () => {
    server = await startTestDatabase('enrollment_store');
    store = enrollmentStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(() => server.db.enrollments.deleteMany({}));

  it('inserts once per contact, sequence and round, and finds it again by id and by round', async () => {
    const doc = await stored({ contactId: 'kim', round: 2 });
    assert.equal(await store.insert({ ...doc, _id: 'other' }), 'duplicate');
    assert.deepEqual(await store.get(doc._id), doc);
    assert.equal((await store.findRound('kim', 'trial', 2))?._id, doc._id);
    assert.equal(await store.findRound('kim', 'trial', 1), null);
    assert.equal(await store.get('missing'), null);
  });

  it('inserts many in one write, each once per contact, sequence and round, and says which were there already', async () => {
    const taken = await stored({ contactId: 'lee', round: 1 });
    const fresh = [enrollment({ contactId: 'lee', round: 2 }), enrollment({ contactId: 'mo' })];
    assert.deepEqual(await store.insertEach([fresh[0]!, { ...taken, _id: 'again' }, fresh[1]!]), ['inserted', 'duplicate', 'inserted']);
    assert.deepEqual(await store.insertEach([]), []);
    assert.equal(await store.get('again'), null);
    assert.equal((await store.findRound('lee', 'trial', 2))?._id, fresh[0]?._id);
    assert.equal((await store.findRound('mo', 'trial', 1))?._id, fresh[1]?._id);
  });

  it('reads the running enrollments that are due, soonest first, up to the limit', async () => {
    const late = await stored({ nextStepAt: at(5) });
    const early = await stored({ nextStepAt: at(1) });
    await stored({ nextStepAt: at(30) });
    await stored({ status: 'paused', nextStepAt: at(1) });
    await stored({ nextStepAt: null });
    assert.deepEqual(
      (await store.due(at(10), 10)).map((e) => e._id),
      [early._id, late._id],
    );
    assert.deepEqual(
      (await store.due(at(10), 1)).map((e) => e._id),
      [early._id],
    );
  });

  it('counts the due enrollments and finds when the longest-waiting step fell due, within a time bound', async () => {
    const bound = { maxTimeMS: 2000 };
    assert.deepEqual([await store.countDue(at(10), bound), await store.oldestDue(at(10), bound)], [0, undefined]);
    await stored({ nextStepAt: at(5) });
    await stored({ nextStepAt: at(1) });
    await stored({ nextStepAt: at(30) });
    await stored({ status: 'paused', nextStepAt: at(0) });
    await stored({ nextStepAt: null });
    assert.deepEqual([await store.countDue(at(10), bound), await store.oldestDue(at(10), bound)], [2, at(1)]);
  });

  it("counts the enrollments in a status and lists a sequence's, oldest first, then by address", async () => {
    const b = await stored({ email: 'b@lead.example', enrolledAt: at(1) });
    const a = await stored({ email: 'a@lead.example', enrolledAt: at(1), status: 'completed' });
    const first = await stored({ email: 'z@lead.example', enrolledAt: at(0), status: 'completed' });
    await stored({ sequenceId: 'other', status: 'completed' });
    assert.deepEqual([await store.countInStatus('completed'), await store.countInStatus('stopped')], [3, 0]);
    assert.deepEqual(
      (await store.inSequence('trial')).map((e) => e._id),
      [first._id, a._id, b._id],
    );
    assert.deepEqual(await store.inSequence('none'), []);
  });

  it('streams the enrollments enrolled in a half-open span, of one sequence when asked, with what the stats read', async () => {
    await stored({ enrolledAt: at(0), status: 'completed' });
    await stored({ enrolledAt: at(5), sequenceId: 'other' });
    await stored({ enrolledAt: at(10) });
    const within = async (span: { from: Date; to: Date; sequenceId?: string }) => {
      const all = [];
      for await (const e of store.enrolledWithin(span)) all.push(e);
      return all.sort((a, b) => a.enrolledAt.getTime() - b.enrolledAt.getTime());
    };
    assert.deepEqual(await within({ from: at(0), to: at(10) }), [
      { sequenceId: 'trial', status: 'completed', enrolledAt: at(0) },
      { sequenceId: 'other', status: 'active', enrolledAt: at(5) },
    ]);
    assert.deepEqual(await within({ from: at(1), to: at(11), sequenceId: 'trial' }), [
      { sequenceId: 'trial', status: 'active', enrolledAt: at(10) },
    ]);
  });

  it('passes a step once: the second write of the same step does not land', async () => {
    const doc = await stored({ passedStepIds: ['s1'], threadMessageIds: ['<m1>'] });
    const event: EnrollmentEvent = {
      kind: 'step_passed',
      stepId: 's2',
      nextStepAt: at(60),
      sent: { messageId: '<m2>', subject: 'Re: hi', inReplyTo: '<m1>' },
    };
    assert.equal(await apply(doc, event), true);
    assert.equal(await apply(doc, event), false, 'decided on the same stale read, the step guard refuses it');
    const after = await store.get(doc._id);
    assert.deepEqual(
      [after?.passedStepIds, after?.threadMessageIds, after?.nextStepAt, after?.updatedAt],
      [['s1', 's2'], ['<m1>', '<m2>'], at(60), at(20)],
    );
  });

  it('records a skipped step with its reason, and completes when no step is left', async () => {
    const doc = await stored();
    assert.equal(await apply(doc, { kind: 'step_passed', stepId: 's1', nextStepAt: null, skipReason: 'no first_name' }), true);
    const after = await store.get(doc._id);
    assert.deepEqual(
      [after?.status, after?.nextStepAt, after?.skippedSteps],
      ['completed', null, [{ stepId: 's1', reason: 'no first_name', at: at(20) }]],
    );
  });

  it('records the last step without completing an enrollment a reply paused while it went out', async () => {
    const doc = await stored({ passedStepIds: ['s1'] });
    const last: EnrollmentEvent = {
      kind: 'step_passed',
      stepId: 's2',
      nextStepAt: null,
      sent: { messageId: '<m2>', subject: 'Re: hi', inReplyTo: '<m1>' },
    };
    await apply(doc, { kind: 'paused', reason: 'reply: question', replyId: 'r1' });
    assert.equal(await apply(doc, last), true, 'decided on the running enrollment the sender read');
    const after = await store.get(doc._id);
    assert.deepEqual([after?.status, after?.passedStepIds, after?.nextStepAt], ['paused', ['s1', 's2'], null]);
    assert.equal(await apply(doc, last), false, 'and only once');
  });

  it('starts a new thread for a step with its own subject', async () => {
    const doc = await stored({ passedStepIds: ['s1'], threadMessageIds: ['<m1>'], threadSubject: 'Hi' });
    await apply(doc, { kind: 'step_passed', stepId: 's2', nextStepAt: at(60), sent: { messageId: '<m2>', subject: 'New topic' } });
    const after = await store.get(doc._id);
    assert.deepEqual([after?.threadSubject, after?.threadMessageIds], ['New topic', ['<m2>']]);
  });

  it('lands a change only while the enrollment is in the state it was decided on', async () => {
    const doc = await stored();
    // A reply pauses it after the sender read it.
    assert.equal(await apply(doc, { kind: 'paused', reason: 'reply: question', replyId: 'r1' }), true);
    assert.equal(await apply(doc, { kind: 'step_deferred', stepId: 's1', until: at(90) }), false);
    assert.equal(await apply(doc, { kind: 'completed' }), false);
    const paused = await store.get(doc._id);
    assert.deepEqual(
      [paused?.status, paused?.statusReason, paused?.statusReplyId, paused?.nextStepAt],
      ['paused', 'reply: question', 'r1', at(10)],
    );
  });

  it('a soft-bounce retry lands only on a running enrollment whose step is still passed', async () => {
    const doc = await stored({ passedStepIds: ['s1'] });
    const retry = transition(doc, { kind: 'soft_bounced', stepId: 's1', replyId: 'r2', limit: 3 }, at(20));
    assert.ok(retry.ok);
    // A reply paused the conversation after the bounce was read: the retry must not wake it.
    await apply(doc, { kind: 'paused', reason: 'reply: question', replyId: 'r1' });
    assert.equal(await store.apply(doc._id, retry.change), false);
    assert.deepEqual((await store.get(doc._id))?.status, 'paused');

    const running = await stored({ passedStepIds: ['s1'] });
    const again = transition(running, { kind: 'soft_bounced', stepId: 's1', replyId: 'r3', limit: 3 }, at(20));
    assert.ok(again.ok);
    assert.equal(await store.apply(running._id, again.change), true);
    const after = await store.get(running._id);
    assert.deepEqual([after?.status, after?.passedStepIds, after?.softBounces], ['active', [], 1]);
  });

  it('a rep resume is guarded by the exact state the rep saw', async () => {
    const doc = await stored({ status: 'paused' });
    const resume = transition(doc, { kind: 'resumed', reason: 'resumed by a rep', nextStepAt: at(60) }, at(20));
    assert.ok(resume.ok);
    await apply(doc, { kind: 'stopped', cause: 'unsubscribe', reason: 'unsubscribed (link)' });
    assert.equal(await store.apply(doc._id, resume.change), false);
    assert.equal((await store.get(doc._id))?.status, 'stopped');
  });

  it('stops every running or paused enrollment of a contact, or those of one sequence', async () => {
    const a = await stored({ contactId: 'kim', sequenceId: 'trial' });
    const b = await stored({ contactId: 'kim', sequenceId: 'webinar', status: 'paused' });
    const done = await stored({ contactId: 'kim', sequenceId: 'onboarding', status: 'completed' });
    const other = await stored({ contactId: 'lee' });
    const exit = stopChange({ kind: 'stopped', cause: 'segment_exit', reason: 'left segment trial-users' }, at(20));
    assert.equal(await store.applyToContact('kim', exit, { sequenceId: 'webinar' }), 1);
    assert.equal(
      await store.applyToContact(
        'kim',
        stopChange({ kind: 'stopped', cause: 'unsubscribe', reason: 'unsubscribed (link)', replyId: 'r9' }, at(30)),
      ),
      1,
    );
    const statuses = await Promise.all(
      [a, b, done, other].map(async (e) => [(await store.get(e._id))?.status, (await store.get(e._id))?.statusReason]),
    );
    assert.deepEqual(statuses, [
      ['stopped', 'unsubscribed (link)'],
      ['stopped', 'left segment trial-users'],
      ['completed', undefined],
      ['active', undefined],
    ]);
    assert.equal((await store.get(a._id))?.statusReplyId, 'r9');
  });

  it("finds the enrollment a reply from an address answers, the in-flight ones of a sequence, and a contact's newest", async () => {
    const old = await stored({ contactId: 'kim', email: 'kim@lead.example', sequenceId: 'trial', updatedAt: at(1), passedStepIds: ['s1'] });
    const newer = await stored({ contactId: 'kim', email: 'kim@lead.example', sequenceId: 'webinar', updatedAt: at(2), status: 'paused' });
    await stored({ contactId: 'kim', email: 'kim@lead.example', sequenceId: 'onboarding', updatedAt: at(3), status: 'stopped' });
    assert.equal((await store.latestOfAddress('kim@lead.example'))?._id, newer._id);
    assert.equal(await store.latestOfAddress('nobody@lead.example'), null);
    assert.equal((await store.latestOfContact('kim'))?.sequenceId, 'onboarding');
    assert.deepEqual(await store.inFlight('trial'), [{ _id: old._id, passedStepIds: ['s1'] }]);
  });

  describe('what segments read and write', () => {
    beforeEach(() => server.db.enrollments.deleteMany({}));

    it('reads the enrollment states of contacts, of all sequences or of some', async () => {
      const a = await stored({ contactId: 'ann', sequenceId: 'trial' });
      await stored({ contactId: 'ann', sequenceId: 'onboarding', status: 'completed' });
      await stored({ contactId: 'bo', sequenceId: 'trial', status: 'paused' });
      await stored({ contactId: 'cy', sequenceId: 'trial' });
      const key = (e: { contactId: string; sequenceId: string }) => `${e.contactId}/${e.sequenceId}`;
      const states = await store.statesOf(['ann', 'bo']);
      assert.deepEqual(states.map(key).sort(), ['ann/onboarding', 'ann/trial', 'bo/trial']);
      assert.deepEqual(
        states.find((e) => e._id === a._id),
        { _id: a._id, contactId: 'ann', sequenceId: 'trial', status: 'active' },
      );
      assert.deepEqual(await store.statesOf([]), []);
      const inTrial: string[] = [];
      for await (const e of store.statesIn(['ann', 'bo'], ['trial'])) inTrial.push(`${key(e)}:${e.status}`);
      assert.deepEqual(inTrial.sort(), ['ann/trial:active', 'bo/trial:paused']);
      for await (const e of store.statesIn([], ['trial'])) assert.fail(`read ${key(e)} for no contacts`);
      for await (const e of store.statesIn(['ann'], [])) assert.fail(`read ${key(e)} for no sequences`);
    });

    it('writes one change to the enrollments of several contacts in a sequence whose guard holds', async () => {
      const running = await stored({ contactId: 'ann' });
      const paused = await stored({ contactId: 'bo', status: 'paused' });
      const done = await stored({ contactId: 'bo', status: 'completed', round: 2 });
      const elsewhere = await stored({ contactId: 'ann', sequenceId: 'onboarding' });
      const other = await stored({ contactId: 'cy' });
      const stop = stopChange({ kind: 'stopped', cause: 'segment_exit', reason: 'left segment pricing' }, at(30));
      assert.equal(await store.applyToContacts(['ann', 'bo'], stop, { sequenceId: 'trial' }), 2);
      const status = async (id: string) => (await store.get(id))?.status;
      assert.deepEqual(await Promise.all([running, paused, done, elsewhere, other].map((e) => status(e._id))), [
        'stopped',
        'stopped',
        'completed',
        'active',
        'active',
      ]);
      assert.equal((await store.get(running._id))?.statusReason, 'left segment pricing');
      assert.equal((await store.get(running._id))?.nextStepAt, null);
      assert.equal(await store.applyToContacts(['cy'], stop, { sequenceId: 'trial' }), 1);
      assert.equal(await store.applyToContacts([], stop), 0);
    });
  });
});
