import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { choosePoolSender, type PoolCandidate } from './sender-choice.ts';

const at = (iso: string) => new Date(iso);
const box = (address: string, sentLastDay: number, roomAt?: Date): PoolCandidate => ({ address, sentLastDay, roomAt });

describe('choosePoolSender', () => {
  it('gives the mailbox with room and the fewest sends in the last day', () => {
    const choice = choosePoolSender('e1', [box('a@x.test', 5), box('b@x.test', 2), box('c@x.test', 1, at('2026-01-01T10:00:00Z'))]);
    assert.deepEqual(choice, { address: 'b@x.test' });
  });

  it('breaks ties by a hash of the enrollment id, so ties spread over the pool and every worker picks alike', () => {
    const pool = [box('a@x.test', 0), box('b@x.test', 0), box('c@x.test', 0)];
    const picks = new Map<string, number>();
    for (let i = 0; i < 300; i += 1) {
      const choice = choosePoolSender(`enrollment-${i}`, pool);
      assert.ok(choice && 'address' in choice);
      picks.set(choice.address, (picks.get(choice.address) ?? 0) + 1);
      // The same inputs, the same answer, in any order of the pool.
      assert.deepEqual(choosePoolSender(`enrollment-${i}`, [...pool].reverse()), choice);
    }
    assert.equal(picks.size, 3);
    for (const count of picks.values()) assert.ok(count > 60, `uneven: ${[...picks.entries()].join(' ')}`);
  });

  it('spreads a run evenly when each pick is counted before the next', () => {
    const sent = new Map([
      ['a@x.test', 0],
      ['b@x.test', 0],
      ['c@x.test', 0],
    ]);
    for (let i = 0; i < 12; i += 1) {
      const choice = choosePoolSender(
        `e${i}`,
        [...sent].map(([address, n]) => box(address, n)),
      );
      assert.ok(choice && 'address' in choice);
      sent.set(choice.address, (sent.get(choice.address) ?? 0) + 1);
    }
    assert.deepEqual([...sent.values()], [4, 4, 4]);
  });

  it('without room anywhere, answers the earliest moment a mailbox has room', () => {
    const choice = choosePoolSender('e1', [box('a@x.test', 9, at('2026-01-01T10:30:00Z')), box('b@x.test', 9, at('2026-01-01T10:05:00Z'))]);
    assert.deepEqual(choice, { allowedAt: at('2026-01-01T10:05:00Z') });
    assert.equal(choosePoolSender('e1', []), undefined);
  });
});
