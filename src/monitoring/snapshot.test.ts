import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cached, readSnapshot, type SnapshotCollections } from './snapshot.ts';

const NOW = new Date('2026-03-02T09:00:00Z');

/** Collections that answer from fixed numbers and remember what they were asked. */
function fakeCollections(answers: { due: number; oldest: Date | null; tasks: Record<string, number> }) {
  const asked: Array<{ collection: string; filter: object; options: object }> = [];
  const collections: SnapshotCollections = {
    enrollments: {
      countDocuments: async (filter, options) => {
        asked.push({ collection: 'enrollments', filter, options });
        return answers.due;
      },
      findOne: async (filter, options) => {
        asked.push({ collection: 'enrollments', filter, options });
        return answers.oldest === null ? null : { nextStepAt: answers.oldest };
      },
    },
    tasks: {
      countDocuments: async (filter, options) => {
        asked.push({ collection: 'tasks', filter, options });
        const status = 'status' in filter ? String(filter.status) : '';
        return answers.tasks[status] ?? 0;
      },
    },
  };
  return { collections, asked };
}

describe('operational snapshot', () => {
  it('counts due active enrollments, finds the oldest due step, and counts unfinished tasks per status', async () => {
    const oldest = new Date('2026-03-02T08:58:00Z');
    const { collections, asked } = fakeCollections({ due: 12, oldest, tasks: { open: 4, snoozed: 1 } });
    const snapshot = await readSnapshot(collections, NOW);
    assert.deepEqual(snapshot, { dueEnrollments: 12, oldestDueAt: oldest, openTasks: { open: 4, claimed: 0, answered: 0, snoozed: 1 } });

    const due = { status: 'active', nextStepAt: { $lte: NOW } };
    assert.deepEqual(asked.filter((q) => q.collection === 'enrollments').map((q) => q.filter), [due, due]);
    assert.deepEqual(asked.find((q) => 'sort' in q.options)?.options, { sort: { nextStepAt: 1 }, projection: { nextStepAt: 1 }, maxTimeMS: 2000 });
    assert.deepEqual(asked.filter((q) => q.collection === 'tasks').map((q) => q.filter), [{ status: 'open' }, { status: 'claimed' }, { status: 'answered' }, { status: 'snoozed' }]);
    assert.ok(asked.every((q) => 'maxTimeMS' in q.options), 'every query is bounded in time');
  });

  it('has no oldest due step when nothing is due', async () => {
    const { collections } = fakeCollections({ due: 0, oldest: null, tasks: {} });
    assert.equal((await readSnapshot(collections, NOW)).oldestDueAt, undefined);
  });

  it('shares one read among callers within the window, and one read in flight among concurrent callers', async () => {
    let clock = 0;
    let reads = 0;
    let release = (): void => undefined;
    const read = cached(
      () =>
        new Promise<number>((resolve) => {
          reads += 1;
          release = () => resolve(reads);
        }),
      5_000,
      () => clock,
    );
    const concurrent = [read(), read(), read()];
    release();
    assert.deepEqual(await Promise.all(concurrent), [1, 1, 1]);
    clock += 4_999;
    assert.equal(await read(), 1);
    clock += 1;
    const next = read();
    release();
    assert.equal(await next, 2);
  });
});
