import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { cached, readSnapshot, type SnapshotSources } from './snapshot.ts';

const NOW = new Date('2026-03-02T09:00:00Z');

/** Store reads that answer from fixed numbers and remember what they were asked. */
function fakeSources(answers: { due: number; oldest: Date | undefined; tasks: Record<string, number> }) {
  const asked: Array<{ read: string; arg: Date | string; bound: { maxTimeMS: number } }> = [];
  const sources: SnapshotSources = {
    enrollments: {
      countDue: async (now, bound) => {
        asked.push({ read: 'countDue', arg: now, bound });
        return answers.due;
      },
      oldestDue: async (now, bound) => {
        asked.push({ read: 'oldestDue', arg: now, bound });
        return answers.oldest;
      },
    },
    tasks: {
      countInStatus: async (status, bound) => {
        asked.push({ read: 'countInStatus', arg: status, bound });
        return answers.tasks[status] ?? 0;
      },
    },
  };
  return { sources, asked };
}

describe('operational snapshot', () => {
  it('counts due active enrollments, finds the oldest due step, and counts unfinished tasks per status', async () => {
    const oldest = new Date('2026-03-02T08:58:00Z');
    const { sources, asked } = fakeSources({ due: 12, oldest, tasks: { open: 4, snoozed: 1 } });
    const snapshot = await readSnapshot(sources, NOW);
    assert.deepEqual(snapshot, { dueEnrollments: 12, oldestDueAt: oldest, openTasks: { open: 4, claimed: 0, answered: 0, snoozed: 1 } });

    assert.deepEqual(
      asked.map((q) => [q.read, q.arg]),
      [
        ['countDue', NOW],
        ['oldestDue', NOW],
        ['countInStatus', 'open'],
        ['countInStatus', 'claimed'],
        ['countInStatus', 'answered'],
        ['countInStatus', 'snoozed'],
      ],
    );
    assert.ok(
      asked.every((q) => q.bound.maxTimeMS === 2000),
      'every query is bounded in time',
    );
  });

  it('has no oldest due step when nothing is due', async () => {
    const { sources } = fakeSources({ due: 0, oldest: undefined, tasks: {} });
    assert.equal((await readSnapshot(sources, NOW)).oldestDueAt, undefined);
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
