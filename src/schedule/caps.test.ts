import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ErrorCodes, isParleyError } from '../errors.ts';
import { capRoom } from './index.ts';

const now = new Date('2026-03-10T12:00:00.000Z');
const roomy = { maxPerContact30d: 8, perHour: 50, perDay: 200 };
const dates = (...isos: string[]) => isos.map((iso) => new Date(iso));

function room(caps: Partial<typeof roomy>, toContact: Date[], fromMailbox: Date[]): string {
  return capRoom(now, { ...roomy, ...caps }, { toContact, fromMailbox }).toISOString();
}

describe('capRoom', () => {
  const toContact = dates('2026-03-05T10:00:00Z', '2026-02-10T13:00:00Z', '2026-02-20T09:00:00Z');

  it('returns now when under every cap', () => {
    assert.equal(room({}, toContact, dates('2026-03-10T11:30:00Z')), now.toISOString());
  });

  it('waits for the oldest send to a contact to age out of 30 days', () => {
    assert.equal(room({ maxPerContact30d: 3 }, toContact, []), '2026-03-12T13:00:00.000Z');
    assert.equal(room({ maxPerContact30d: 4 }, toContact, []), now.toISOString());
  });

  it('ignores sends older than the window', () => {
    const withOld = dates('2026-02-01T00:00:00Z', '2026-03-05T10:00:00Z', '2026-02-20T09:00:00Z');
    assert.equal(room({ maxPerContact30d: 3 }, withOld, []), now.toISOString());
  });

  it('waits for the hourly mailbox cap', () => {
    const mailbox = dates('2026-03-10T11:40:00Z', '2026-03-10T11:10:00Z');
    assert.equal(room({ perHour: 2 }, [], mailbox), '2026-03-10T12:10:00.000Z');
    assert.equal(room({ perHour: 3 }, [], mailbox), now.toISOString());
    // One millisecond short of an hour old still counts.
    assert.equal(room({ perHour: 1 }, [], dates('2026-03-10T11:00:00.001Z')), '2026-03-10T12:00:00.001Z');
  });

  it('waits for the daily mailbox cap', () => {
    const mailbox = dates('2026-03-10T08:00:00Z', '2026-03-09T14:00:00Z', '2026-03-09T20:00:00Z');
    assert.equal(room({ perDay: 3 }, [], mailbox), '2026-03-10T14:00:00.000Z');
    // Over the cap (it was lowered): two sends must age out.
    assert.equal(room({ perDay: 2 }, [], mailbox), '2026-03-10T20:00:00.000Z');
  });

  it('waits for the cap that frees up last', () => {
    const mailbox = dates('2026-03-10T11:40:00Z', '2026-03-09T14:00:00Z');
    assert.equal(room({ perHour: 1, perDay: 2 }, [], mailbox), '2026-03-10T14:00:00.000Z');
  });

  it('rejects a cap below 1', () => {
    assert.throws(
      () => room({ perHour: 0 }, [], []),
      (e) => isParleyError(e, ErrorCodes.SEQUENCE_INVALID),
    );
  });
});
