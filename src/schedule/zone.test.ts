import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ErrorCodes, isParleyError } from '../errors.ts';
import { contactZone, describeLocalTime } from './index.ts';

describe('contactZone', () => {
  const policy = { timezone: 'Europe/Berlin' };

  it("uses the contact's zone when it is valid", () => {
    assert.equal(contactZone('America/New_York', policy), 'America/New_York');
  });

  it("falls back to the policy's zone for an absent, empty or unknown contact zone", () => {
    assert.equal(contactZone(undefined, policy), 'Europe/Berlin');
    assert.equal(contactZone('', policy), 'Europe/Berlin');
    assert.equal(contactZone('Mars/Olympus', policy), 'Europe/Berlin');
    assert.equal(contactZone('GMT+2', policy), 'Europe/Berlin');
  });

  it('answers the same for a zone asked again, and for many junk zones in a row', () => {
    for (let round = 0; round < 2; round += 1) {
      assert.equal(contactZone('Asia/Tokyo', policy), 'Asia/Tokyo');
      assert.equal(contactZone('Mars/Olympus', policy), 'Europe/Berlin');
    }
    // More junk names than the remembered checks hold: the answers stay right after it is cleared.
    for (let i = 0; i < 1_100; i += 1) assert.equal(contactZone(`Junk/Zone${i}`, policy), 'Europe/Berlin');
    assert.equal(contactZone('Asia/Tokyo', policy), 'Asia/Tokyo');
  });

  it("throws TIMEZONE_INVALID when the policy's zone is unknown too", () => {
    assert.throws(
      () => contactZone(undefined, { timezone: 'Mars/Olympus' }),
      (e) => isParleyError(e, ErrorCodes.TIMEZONE_INVALID),
    );
  });
});

describe('describeLocalTime', () => {
  it('names the day, local time, abbreviation and zone', () => {
    assert.equal(describeLocalTime(new Date('2026-03-03T14:00:00Z'), 'America/New_York'), 'Tue 3 Mar 2026, 09:00 EST (America/New_York)');
    assert.equal(describeLocalTime(new Date('2026-03-09T13:00:00Z'), 'America/New_York'), 'Mon 9 Mar 2026, 09:00 EDT (America/New_York)');
  });

  it('shows the offset where en-US has no abbreviation', () => {
    assert.equal(describeLocalTime(new Date('2026-03-03T14:00:00Z'), 'Europe/Berlin'), 'Tue 3 Mar 2026, 15:00 GMT+1 (Europe/Berlin)');
  });

  it('rejects an unknown zone', () => {
    assert.throws(
      () => describeLocalTime(new Date('2026-03-03T14:00:00Z'), 'Nowhere'),
      (e) => isParleyError(e, ErrorCodes.TIMEZONE_INVALID),
    );
  });
});
