import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { resolvePeriod, type PeriodInput } from './period.ts';

const NOW = new Date('2026-03-20T15:00:00Z');
const iso = (input: PeriodInput) => {
  const result = resolvePeriod(input, NOW);
  return result.ok ? [result.period.from.toISOString(), result.period.to.toISOString()] : result.message;
};

describe('the stats period', () => {
  it('defaults to the last 30 days, up to now', () => {
    assert.deepEqual(iso({}), ['2026-02-18T15:00:00.000Z', '2026-03-20T15:00:00.000Z']);
    assert.deepEqual(iso({ days: '7' }), ['2026-03-13T15:00:00.000Z', '2026-03-20T15:00:00.000Z']);
  });

  it('reads a date-only `to` as including that whole day, and a date-time as exclusive', () => {
    assert.deepEqual(iso({ from: '2026-03-01', to: '2026-03-31' }), ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
    assert.deepEqual(iso({ from: '2026-03-01T08:00+02:00', to: '2026-03-02T00:00Z' }), [
      '2026-03-01T06:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ]);
    assert.deepEqual(iso({ to: '2026-03-10', days: '2' }), ['2026-03-09T00:00:00.000Z', '2026-03-11T00:00:00.000Z']);
  });

  it('refuses what it cannot read, with a message that says what to write', () => {
    assert.match(String(iso({ from: '2026-02-30' })), /"2026-02-30" is not a date: use YYYY-MM-DD/);
    assert.match(String(iso({ from: '2026-03-01T10:00' })), /with its zone/, 'a bare local time');
    assert.match(String(iso({ from: 'yesterday' })), /not a date/);
    assert.match(String(iso({ from: '2026-03-01', days: '3' })), /not both/);
    assert.match(String(iso({ days: '0' })), /whole number from 1/);
    assert.match(String(iso({ days: '1.5' })), /whole number/);
    assert.match(String(iso({ from: '2026-03-05', to: '2026-03-04' })), /must start before it ends/);
    assert.match(String(iso({ from: '2000-01-01' })), /longer than 3660 days/);
  });
});
