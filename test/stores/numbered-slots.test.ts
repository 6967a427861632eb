import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  mailboxLeaseSlots,
  roundRobinSlots,
  sendClaimSlots,
  taskClaimSlots,
  type MailboxLeaseDoc,
  type NumberedSlots,
  type TaskClaimDoc,
} from '../../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../../src/db/testing.ts';

// The claim primitive's contract ("take the next numbered slot of this key, or learn who holds
// it"), against the embedded FerretDB or MONGODB_URL, through each collection that uses it.
describe('numbered slots', () => {
  let server: TestDatabase;
  let leases: NumberedSlots<MailboxLeaseDoc>;
  let claims: NumberedSlots<TaskClaimDoc>;
  const t0 = new Date('2026-03-02T09:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const term =
    (mailbox: string, holder: string, until: Date) =>
    (slot: { _id: string; n: number }): MailboxLeaseDoc => ({ _id: slot._id, mailbox, term: slot.n, holder, at: t0, until });
  const claim =
    (taskId: string, by: string, until: Date) =>
    (slot: { _id: string; n: number }): TaskClaimDoc => ({
      _id: slot._id,
      taskId,
      claimNumber: slot.n,
      claimId: `${by}-${slot.n}`,
      by,
      claimedAt: t0,
      until,
    });

  beforeAll(async () => {
    server = await startTestDatabase('numbered_slots');
    leases = mailboxLeaseSlots(server.db);
    claims = taskClaimSlots(server.db);
  });
  afterAll(() => server?.stop());

  it('gives slot n to exactly one of many writers racing for it', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((holder) => leases.take('race', 1, term('race', holder, at(5)))));
    const winners = results.filter((r) => r !== undefined);
    assert.equal(winners.length, 1);
    assert.equal((await leases.newest('race'))?.holder, winners[0]?.holder);
    assert.equal((await leases.newest('race'))?._id, 'race#1');
  });

  it('takes the slot after the newest, or says who holds it while it is held', async () => {
    const first = await claims.takeNext('task-1', { make: claim('task-1', 'alice', at(10)), held: (c) => c.until > at(0) });
    assert.ok('taken' in first);
    assert.deepEqual([first.taken._id, first.taken.claimNumber], ['task-1#1', 1]);
    const second = await claims.takeNext('task-1', { make: claim('task-1', 'bob', at(20)), held: (c) => c.until > at(5) });
    assert.ok('heldBy' in second);
    assert.equal(second.heldBy.by, 'alice');
    // Alice's claim has run out at minute 15: Bob takes number 2.
    const third = await claims.takeNext('task-1', { make: claim('task-1', 'bob', at(30)), held: (c) => c.until > at(15) });
    assert.ok('taken' in third);
    assert.deepEqual([third.taken.by, third.taken.claimNumber], ['bob', 2]);
    assert.equal((await claims.newest('task-1'))?.by, 'bob');
    assert.equal(await claims.newest('task-2'), undefined, 'keys are separate');
  });

  it('of writers racing for the next slot, one takes it and the others learn who holds it', async () => {
    const results = await Promise.all(
      ['alice', 'bob', 'carol'].map((by) =>
        claims.takeNext('task-3', { make: claim('task-3', by, at(10)), held: (c) => c.until > at(0), tries: 3 }),
      ),
    );
    const taken = results.flatMap((r) => ('taken' in r ? [r.taken] : []));
    assert.equal(taken.length, 1);
    for (const r of results) if ('heldBy' in r) assert.equal(r.heldBy.by, taken[0]?.by);
  });

  it('never takes a number twice, and says when its tries ran out', async () => {
    const turns = roundRobinSlots(server.db);
    const turn = (taskId: string) => (slot: { _id: string; n: number }) => ({
      _id: slot._id,
      pool: 'pool',
      turn: slot.n,
      taskId,
      rep: 'x',
      at: t0,
    });
    const first = await turns.takeNext('pool', { make: turn('t1'), tries: 20 });
    assert.ok('taken' in first);
    assert.equal(await turns.take('pool', 1, turn('t2')), undefined);
    const next = await turns.takeNext('pool', { make: turn('t2') });
    assert.ok('taken' in next);
    assert.equal(next.taken.turn, 2);
    assert.deepEqual(await turns.takeNext('pool', { make: turn('t3'), tries: 0 }), { lost: true });
  });

  it('forgets the old slots of a key only', async () => {
    for (let n = 1; n <= 5; n += 1) await leases.take('old', n, term('old', 'h', at(n)));
    await leases.take('other', 1, term('other', 'h', at(1)));
    await leases.forget('old', 4);
    const left = await server.db.mailboxLeases
      .find({ mailbox: { $in: ['old', 'other'] } })
      .sort({ _id: 1 })
      .toArray();
    assert.deepEqual(
      left.map((l) => l._id),
      ['old#4', 'old#5', 'other#1'],
    );
  });

  it('numbers send attempts per enrollment and step', async () => {
    const sends = sendClaimSlots(server.db);
    const make = (slot: { _id: string; n: number }) => ({
      _id: slot._id,
      enrollmentId: 'e:1',
      stepId: 'hello',
      attempt: slot.n,
      worker: 'w',
      leaseUntil: at(5),
      claimedAt: t0,
      from: 'f@x',
      to: 't@y',
    });
    assert.ok(await sends.take('e:1:hello', 1, make));
    assert.equal(await sends.take('e:1:hello', 1, make), undefined);
    assert.ok(await sends.take('e:1:hello', 2, make));
    assert.deepEqual([(await sends.newest('e:1:hello'))?._id], ['e:1:hello#2'], 'the step id is the part after the last colon');
  });
});
