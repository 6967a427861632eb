import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ErrorCodes, isParleyError } from '../errors.ts';
import type { StepWait } from '../sequences/types.ts';
import { nextSendWindow, stepDueAt, type WindowPolicy } from './index.ts';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const weekdays: WindowPolicy = { sendDays: ['mon', 'tue', 'wed', 'thu', 'fri'], sendHours: { startMinute: 540, endMinute: 1020 } };
const HOUR = 3_600_000;
const days = (n: number): StepWait => ({ kind: 'duration', ms: n * 24 * HOUR });
const business = (n: number): StepWait => ({ kind: 'business_days', days: n });

/** nextSendWindow as ISO strings, so failures show both instants. */
function windowAt(iso: string, zone: string, policy = weekdays): string {
  return nextSendWindow(new Date(iso), zone, policy).toISOString();
}
function dueAt(iso: string, wait: StepWait, zone: string, policy = weekdays): string {
  return stepDueAt(new Date(iso), wait, zone, policy).toISOString();
}

describe('nextSendWindow', () => {
  it('keeps a time inside the window, up to the last second before closing', () => {
    assert.equal(windowAt('2026-03-03T14:00:00.000Z', NY), '2026-03-03T14:00:00.000Z'); // Tue 09:00 EST
    assert.equal(windowAt('2026-03-03T21:59:59.999Z', NY), '2026-03-03T21:59:59.999Z'); // Tue 16:59:59.999
  });

  it('moves a time at or after closing to the next allowed day at 09:00', () => {
    assert.equal(windowAt('2026-03-03T22:00:00.000Z', NY), '2026-03-04T14:00:00.000Z'); // Tue 17:00 → Wed 09:00
  });

  it('moves a time before opening to the same day at 09:00', () => {
    assert.equal(windowAt('2026-03-03T13:59:59.999Z', NY), '2026-03-03T14:00:00.000Z');
  });

  it('moves a Saturday to Monday 09:00', () => {
    assert.equal(windowAt('2026-01-10T10:00:00.000Z', BERLIN), '2026-01-12T08:00:00.000Z'); // Sat 11:00 CET → Mon 09:00 CET
  });

  it('opens at 09:00 local after a spring-forward weekend (one hour earlier in UTC)', () => {
    assert.equal(windowAt('2026-03-06T22:30:00.000Z', NY), '2026-03-09T13:00:00.000Z'); // Fri 17:30 EST → Mon 09:00 EDT
    assert.equal(windowAt('2026-03-28T11:00:00.000Z', BERLIN), '2026-03-30T07:00:00.000Z'); // Sat CET → Mon 09:00 CEST
  });

  it('opens at 09:00 local after a fall-back weekend (one hour later in UTC)', () => {
    assert.equal(windowAt('2026-10-30T21:30:00.000Z', NY), '2026-11-02T14:00:00.000Z'); // Fri 17:30 EDT → Mon 09:00 EST
    assert.equal(windowAt('2026-10-24T10:00:00.000Z', BERLIN), '2026-10-26T08:00:00.000Z'); // Sat CEST → Mon 09:00 CET
  });

  it('follows custom days and hours (tue/thu, 10:00-12:30)', () => {
    const policy: WindowPolicy = { sendDays: ['tue', 'thu'], sendHours: { startMinute: 600, endMinute: 750 } };
    assert.equal(windowAt('2026-03-04T16:00:00.000Z', NY, policy), '2026-03-05T15:00:00.000Z'); // Wed 11:00 → Thu 10:00 EST
    assert.equal(windowAt('2026-03-05T17:29:00.000Z', NY, policy), '2026-03-05T17:29:00.000Z'); // Thu 12:29, inside
    assert.equal(windowAt('2026-03-05T17:30:00.000Z', NY, policy), '2026-03-10T14:00:00.000Z'); // Thu 12:30 → Tue 10:00 EDT
  });

  it('opens a window whose start does not exist (spring-forward gap) at the end of the gap', () => {
    const policy: WindowPolicy = { sendDays: ['sun'], sendHours: { startMinute: 150, endMinute: 240 } }; // 02:30-04:00
    assert.equal(windowAt('2026-03-07T17:00:00.000Z', NY, policy), '2026-03-08T07:30:00.000Z'); // Sun 03:30 EDT
  });

  it('skips a day whose whole window falls in the spring-forward gap', () => {
    const policy: WindowPolicy = { sendDays: ['sun'], sendHours: { startMinute: 120, endMinute: 180 } }; // 02:00-03:00
    assert.equal(windowAt('2026-03-07T17:00:00.000Z', NY, policy), '2026-03-15T06:00:00.000Z'); // next Sun 02:00 EDT
  });

  it('opens a window whose start exists twice (fall-back) at the second occurrence', () => {
    const policy: WindowPolicy = { sendDays: ['sun'], sendHours: { startMinute: 90, endMinute: 240 } }; // 01:30-04:00
    assert.equal(windowAt('2026-10-31T16:00:00.000Z', NY, policy), '2026-11-01T06:30:00.000Z'); // Sun 01:30 EST
    // The first 01:45 (EDT) is 01:45 on the wall clock, so it is inside.
    assert.equal(windowAt('2026-11-01T05:45:00.000Z', NY, policy), '2026-11-01T05:45:00.000Z');
  });

  it('rejects an unknown zone and a policy that can never send', () => {
    assert.throws(
      () => windowAt('2026-03-03T14:00:00.000Z', 'Mars/Olympus'),
      (e) => isParleyError(e, ErrorCodes.TIMEZONE_INVALID),
    );
    const never: WindowPolicy = { sendDays: [], sendHours: { startMinute: 540, endMinute: 1020 } };
    assert.throws(
      () => windowAt('2026-03-03T14:00:00.000Z', NY, never),
      (e) => isParleyError(e, ErrorCodes.SEQUENCE_INVALID),
    );
    const backwards: WindowPolicy = { sendDays: ['mon'], sendHours: { startMinute: 1020, endMinute: 540 } };
    assert.throws(
      () => windowAt('2026-03-03T14:00:00.000Z', NY, backwards),
      (e) => isParleyError(e, ErrorCodes.SEQUENCE_INVALID),
    );
  });
});

describe('stepDueAt', () => {
  it('counts business days across a weekend, keeping the time of day', () => {
    assert.equal(dueAt('2026-01-16T09:00:00.000Z', business(1), BERLIN), '2026-01-19T09:00:00.000Z'); // Fri 10:00 → Mon 10:00
    assert.equal(dueAt('2026-01-16T09:00:00.000Z', business(3), BERLIN), '2026-01-21T09:00:00.000Z'); // → Wed 10:00
  });

  it('keeps 09:00 local for business days across a DST change', () => {
    assert.equal(dueAt('2026-03-06T14:00:00.000Z', business(1), NY), '2026-03-09T13:00:00.000Z'); // Fri 09:00 EST → Mon 09:00 EDT
    assert.equal(dueAt('2026-10-30T13:00:00.000Z', business(1), NY), '2026-11-02T14:00:00.000Z'); // Fri 09:00 EDT → Mon 09:00 EST
    assert.equal(dueAt('2026-03-27T08:00:00.000Z', business(1), BERLIN), '2026-03-30T07:00:00.000Z'); // CET → CEST
    assert.equal(dueAt('2026-10-23T07:00:00.000Z', business(1), BERLIN), '2026-10-26T08:00:00.000Z'); // CEST → CET
  });

  it('moves a business-day time outside the window into it', () => {
    assert.equal(dueAt('2026-01-15T18:00:00.000Z', business(1), BERLIN), '2026-01-19T08:00:00.000Z'); // Thu 19:00 → Fri 19:00 → Mon 09:00
  });

  it('counts only the custom send days', () => {
    const policy: WindowPolicy = { sendDays: ['tue', 'thu'], sendHours: { startMinute: 600, endMinute: 750 } };
    assert.equal(dueAt('2026-03-03T16:00:00.000Z', business(1), NY, policy), '2026-03-05T16:00:00.000Z'); // Tue 11:00 → Thu 11:00 EST
    assert.equal(dueAt('2026-03-03T16:00:00.000Z', business(2), NY, policy), '2026-03-10T15:00:00.000Z'); // → Tue 11:00 EDT
  });

  it('moves a business-day time that does not exist forward by the gap', () => {
    const always: WindowPolicy = {
      sendDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      sendHours: { startMinute: 0, endMinute: 1440 },
    };
    assert.equal(dueAt('2026-03-07T07:30:00.000Z', business(1), NY, always), '2026-03-08T07:30:00.000Z'); // Sat 02:30 EST → Sun 03:30 EDT
  });

  it('adds elapsed time for durations across DST, then applies the window', () => {
    // Fri 09:00 EST + 72 h = Mon 10:00 EDT: inside, so it stays an hour later on the wall clock.
    assert.equal(dueAt('2026-03-06T14:00:00.000Z', days(3), NY), '2026-03-09T14:00:00.000Z');
    // Fri 09:00 EDT + 72 h = Mon 08:00 EST: before opening, so Mon 09:00 EST.
    assert.equal(dueAt('2026-10-30T13:00:00.000Z', days(3), NY), '2026-11-02T14:00:00.000Z');
    // Fri 09:00 CEST + 72 h = Mon 08:00 CET → 09:00 CET.
    assert.equal(dueAt('2026-10-23T07:00:00.000Z', days(3), BERLIN), '2026-10-26T08:00:00.000Z');
    // Fri 16:00 EST + 48 h = Sun 17:00 EDT → Mon 09:00 EDT.
    assert.equal(dueAt('2026-03-06T21:00:00.000Z', days(2), NY), '2026-03-09T13:00:00.000Z');
  });

  it('returns `after` for a zero wait inside the window, never an earlier time', () => {
    assert.equal(dueAt('2026-03-03T15:00:00.000Z', days(0), NY), '2026-03-03T15:00:00.000Z');
    assert.equal(dueAt('2026-03-03T15:00:00.000Z', business(0), NY), '2026-03-03T15:00:00.000Z');
  });

  it('rejects a negative or fractional wait', () => {
    const isInvalid = (e: unknown) => isParleyError(e, ErrorCodes.SEQUENCE_INVALID);
    assert.throws(() => dueAt('2026-03-03T15:00:00.000Z', { kind: 'duration', ms: -1 }, NY), isInvalid);
    assert.throws(() => dueAt('2026-03-03T15:00:00.000Z', business(1.5), NY), isInvalid);
  });
});
