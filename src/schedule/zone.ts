import { DateTime, IANAZone } from 'luxon';
import { ErrorCodes, ParleyError } from '../errors.ts';
import type { SendingPolicy } from '../sequences/types.ts';

/** Zone names already checked; bounded, because contacts' zones come from imports and may be junk. */
const checkedZones = new Map<string, boolean>();
const MAX_CHECKED_ZONES = 1_000;

/**
 * Whether the runtime knows `zone`. Remembered: luxon builds an Intl.DateTimeFormat for every
 * check (~0.2 ms), and every step scheduled checks its zone.
 */
export function isKnownZone(zone: string): boolean {
  const known = checkedZones.get(zone);
  if (known !== undefined) return known;
  const valid = IANAZone.isValidZone(zone);
  if (checkedZones.size >= MAX_CHECKED_ZONES) checkedZones.clear();
  checkedZones.set(zone, valid);
  return valid;
}

/** Throws TIMEZONE_INVALID unless `zone` is an IANA zone name the runtime knows. */
export function requireZone(zone: string): void {
  // Checked here because luxon would otherwise give an invalid DateTime (and an Invalid Date) silently.
  if (!isKnownZone(zone)) {
    throw new ParleyError(ErrorCodes.TIMEZONE_INVALID, `"${zone}" is not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"`);
  }
}

/** Throws a RangeError for an Invalid Date: a bug in the caller, and it would otherwise be stored as a due time. */
export function requireInstant(at: Date): void {
  if (Number.isNaN(at.getTime())) throw new RangeError('schedule: got an Invalid Date');
}

/** The zone a contact's steps are timed in: the contact's own IANA zone when valid, else the policy's. */
export function contactZone(contactTimeZone: string | undefined, policy: Pick<SendingPolicy, 'timezone'>): string {
  // A contact's zone comes from imports and forms, so a bad one is expected and falls back quietly.
  if (contactTimeZone !== undefined && isKnownZone(contactTimeZone)) return contactTimeZone;
  requireZone(policy.timezone);
  return policy.timezone;
}

/** `at` as wall-clock time in `zone`. */
export function toLocal(at: Date, zone: string): DateTime {
  requireInstant(at);
  requireZone(zone);
  return DateTime.fromJSDate(at, { zone });
}

/** The moment a calendar day (given as its UTC midnight) begins in `zone`: "March 1" for a lead in Los Angeles is 08:00 UTC. */
export function startOfLocalDay(day: Date, zone: string): Date {
  requireInstant(day);
  requireZone(zone);
  return DateTime.fromObject({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() }, { zone }).toJSDate();
}

/** A human label of a moment in a zone, for previews: "Tue 3 Mar 2026, 09:00 EST (America/New_York)". */
export function describeLocalTime(at: Date, zone: string): string {
  // en-US is fixed so previews don't depend on the server's locale. Zones without an en-US
  // abbreviation show their offset ("GMT+1" for Europe/Berlin), hence the zone name after it.
  const local = toLocal(at, zone).setLocale('en-US');
  return `${local.toFormat('ccc d LLL yyyy, HH:mm ZZZZ')} (${zone})`;
}
