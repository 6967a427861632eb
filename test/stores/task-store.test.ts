import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { taskStore, type TaskDoc, type TaskStore, type TaskViewer } from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The task store's contract, against the embedded FerretDB or MONGODB_URL.
describe('task store', () => {
  let server: TestDatabase;
  let store: TaskStore;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const admin: TaskViewer = { _id: 'boss@parley.example', role: 'admin' };
  const ann: TaskViewer = { _id: 'ann@parley.example', role: 'rep' };
  let n = 0;

  const task = (fields: Partial<TaskDoc> = {}): TaskDoc => {
    n += 1;
    return {
      _id: `reply:r${n}`,
      replyId: `r${n}`,
      enrollmentId: `e${n}`,
      contactId: `c${n}`,
      email: `lead${n}@lead.example`,
      sequenceId: 'trial',
      intent: 'question',
      confidence: 0.9,
      explanation: 'asks a question',
      priority: 2,
      outcome: 'pause',
      status: 'open',
      createdAt: t0,
      dueAt: at(60),
      ...fields,
    };
  };
  const stored = async (fields: Partial<TaskDoc> = {}) => {
    const doc = task(fields);
    assert.deepEqual(await store.insert(doc), { inserted: doc });
    return doc;
  };
  const ids = (tasks: TaskDoc[]) => tasks.map((t) => t._id);

  beforeAll(async () => {
    server = await startTestDatabase('task_store');
    store = taskStore(server.db);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await Promise.all([server.db.tasks.deleteMany({}), server.db.taskEvents.deleteMany({}), server.db.taskClaims.deleteMany({})]);
  });

  it('inserts a task once: of two racing inserts one goes in, the other gets the stored task', async () => {
    const doc = task();
    const results = await Promise.all([store.insert(doc), store.insert({ ...doc, priority: 5 })]);
    assert.equal(results.filter((r) => 'inserted' in r).length, 1);
    const existing = results.find((r) => 'existing' in r);
    assert.ok(existing && 'existing' in existing);
    assert.deepEqual(existing.existing, await store.get(doc._id));
    assert.equal(await store.get('reply:missing'), null);
  });

  it('reads open tasks by priority then age, and what a viewer may see by due time', async () => {
    const later = await stored({ priority: 1, createdAt: at(5), dueAt: at(20) });
    const urgent = await stored({ priority: 1, createdAt: at(1), dueAt: at(30) });
    const mine = await stored({ assignee: ann._id, createdAt: at(2), dueAt: at(10), intent: 'interested' });
    const others = await stored({ assignee: 'bo@parley.example', createdAt: at(3), dueAt: at(5) });
    const claimedByAnn = await stored({ status: 'claimed', claim: { by: ann._id, until: at(90), claimId: 'k1' }, dueAt: at(40) });
    await stored({ status: 'claimed', claim: { by: 'bo@parley.example', until: at(90), claimId: 'k2' } });
    assert.deepEqual(ids(await store.open(10)), [urgent._id, later._id, mine._id, others._id]);
    assert.deepEqual(ids(await store.open(1)), [urgent._id]);
    assert.deepEqual(ids(await store.visible(ann, {}, 10)), [mine._id, later._id, urgent._id, claimedByAnn._id]);
    assert.deepEqual(ids(await store.visible(ann, { status: 'open' }, 10)), [mine._id, later._id, urgent._id]);
    assert.deepEqual(ids(await store.visible(admin, { assignee: 'bo@parley.example' }, 10)), [others._id]);
    assert.deepEqual(ids(await store.visible(admin, { intent: 'interested' }, 10)), [mine._id]);
    assert.equal((await store.visible(admin, {}, 3)).length, 3);
    assert.equal(await store.countVisible(ann, 'claimed'), 1);
    assert.equal(await store.countVisible(admin, 'claimed'), 2);
    // Whoever sees them, within a time bound (the metrics snapshot).
    assert.deepEqual(
      [await store.countInStatus('open', { maxTimeMS: 2000 }), await store.countInStatus('claimed', { maxTimeMS: 2000 })],
      [4, 2],
    );
    assert.equal(await store.countInStatus('done', { maxTimeMS: 2000 }), 0);
  });

  it('wakes a snoozed task and reopens a run-out claim once, guarded by the state it changes', async () => {
    const snoozed = await stored({ status: 'snoozed', snoozedUntil: at(10) });
    await stored({ status: 'snoozed', snoozedUntil: at(50) });
    const runOut = await stored({ status: 'claimed', claim: { by: ann._id, until: at(10), claimId: 'k' } });
    await stored({ status: 'claimed', claim: { by: ann._id, until: at(50), claimId: 'k' } });
    assert.deepEqual(ids(await store.snoozedUntil(at(20))), [snoozed._id]);
    assert.deepEqual(ids(await store.claimRunOut(at(20))), [runOut._id]);
    assert.equal(await store.wake(snoozed._id), true);
    assert.equal(await store.wake(snoozed._id), false);
    assert.equal((await store.get(snoozed._id))?.snoozedUntil, undefined);
    assert.equal(await store.reopenExpired(runOut._id, at(5)), false, 'the claim has not run out at that time');
    assert.equal(await store.reopenExpired(runOut._id, at(20)), true);
    assert.equal(await store.reopenExpired(runOut._id, at(20)), false);
    assert.equal((await store.get(runOut._id))?.status, 'open');
  });

  it('writes claims, answers, decisions, labels and escalations', async () => {
    const doc = await stored({ status: 'snoozed', snoozedUntil: at(10) });
    await store.markClaimed(doc._id, { by: ann._id, until: at(30), claimId: 'k' }, 'claimed');
    let read = await store.get(doc._id);
    assert.deepEqual([read?.status, read?.claim?.by, read?.snoozedUntil], ['claimed', ann._id, undefined]);
    await store.markAnswered(doc._id, at(3));
    await store.relabel(doc._id, 'interested', ann._id);
    await store.settle(doc._id, { status: 'snoozed', snoozedUntil: at(100) });
    read = await store.get(doc._id);
    assert.deepEqual([read?.status, read?.answeredAt, read?.intent, read?.snoozedUntil], ['snoozed', at(3), 'interested', at(100)]);
    await store.settle(doc._id, { status: 'done' });
    read = await store.get(doc._id);
    assert.deepEqual([read?.status, read?.snoozedUntil], ['done', undefined]);

    const overdue = await stored({ dueAt: at(1) });
    await stored({ status: 'answered', dueAt: at(1) });
    assert.deepEqual(ids(await store.overdue(at(2))), [overdue._id]);
    await store.markEscalated(overdue._id, { at: at(2), to: ['lead@parley.example'] });
    assert.deepEqual(ids(await store.overdue(at(2))), []);
  });

  it('appends audit events oldest first, an event with a given id once', async () => {
    const event = (id: string, minutes: number) => ({ _id: id, taskId: 'reply:t', at: at(minutes), by: 'parley', action: id, detail: {} });
    assert.equal(await store.appendEvent(event('b', 2)), 'appended');
    assert.equal(await store.appendEvent(event('a', 1)), 'appended');
    const once = await Promise.all([store.appendEvent(event('reply:t#escalated', 3)), store.appendEvent(event('reply:t#escalated', 3))]);
    assert.deepEqual(once.sort(), ['appended', 'duplicate']);
    assert.deepEqual(
      (await store.events('reply:t')).map((e) => e._id),
      ['a', 'b', 'reply:t#escalated'],
    );
    assert.deepEqual(await store.events('reply:other'), []);
  });

  it('starts the audit trail with "created" from the task as it was queued, however it changed since', async () => {
    const queued = task({ createdAt: at(0), asCreated: { priority: '2', intent: 'question', dueAt: at(60).toISOString() } });
    await store.insert(queued);
    await store.relabel(queued._id, 'interested', 'ann@parley.test');
    await store.appendEvent({
      _id: `${queued._id}#x`,
      taskId: queued._id,
      at: at(5),
      by: 'ann@parley.example',
      action: 'relabeled',
      detail: { intent: 'interested' },
    });
    const trail = await store.events(queued._id);
    assert.deepEqual(
      trail.map((e) => [e.action, e.by, e.at.toISOString(), e.detail]),
      [
        ['created', 'parley', at(0).toISOString(), { priority: '2', intent: 'question', dueAt: at(60).toISOString() }],
        ['relabeled', 'ann@parley.example', at(5).toISOString(), { intent: 'interested' }],
      ],
    );
    // A task queued before `asCreated` keeps its stored "created" event and gets no second one.
    const older = task({ createdAt: at(0) });
    await store.insert(older);
    await store.appendEvent({ _id: `${older._id}#c`, taskId: older._id, at: at(0), by: 'parley', action: 'created', detail: {} });
    assert.deepEqual(
      (await store.events(older._id)).map((e) => e.action),
      ['created'],
    );
  });

  it('keeps claims as numbered slots of the task: one of two racing reps takes the next', async () => {
    const make =
      (by: string) =>
      ({ _id, n }: { _id: string; n: number }) => ({
        _id,
        taskId: 'reply:t',
        claimNumber: n,
        claimId: by,
        by,
        claimedAt: t0,
        until: at(30),
      });
    const held = (latest: { until: Date }) => latest.until > t0;
    const results = await Promise.all([
      store.claims.takeNext('reply:t', { make: make('ann'), held }),
      store.claims.takeNext('reply:t', { make: make('bo'), held }),
    ]);
    assert.equal(results.filter((r) => 'taken' in r).length, 1);
    assert.equal((await store.claims.newest('reply:t'))?.claimNumber, 1);
  });
});
