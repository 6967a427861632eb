import { ErrorCodes, ParleyError } from '../errors.ts';
import { requireInstant } from './zone.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Rolling windows are elapsed time, not calendar days in any zone: caps protect reputation, which has no time zone. */
const CONTACT_WINDOW_MS = 30 * DAY_MS;

export interface Caps {
  /** Most emails to one contact in any rolling 30 days (30 × 24 h). */
  maxPerContact30d: number;
  /** Most emails from one sender mailbox in any rolling hour. */
  perHour: number;
  /** Most emails from one sender mailbox in any rolling 24 hours. */
  perDay: number;
}

/** When `sends` leave room for one more under `limit` per `windowMs`: `now`, or when enough of them have aged out. */
function roomAt(now: number, limit: number, windowMs: number, sends: readonly Date[]): number {
  // A send counts until windowMs after it. Sends stamped after `now` (another worker's clock) count too.
  const counted = sends
    .map((sent) => sent.getTime())
    .filter((time) => time + windowMs > now)
    .sort((a, b) => a - b);
  // Room comes when counted.length - limit + 1 of them have aged out; the last of those is this one.
  const lastToAgeOut = counted[counted.length - limit];
  return lastToAgeOut === undefined ? now : lastToAgeOut + windowMs;
}

/**
 * Caps: given send times already counted, when may the next email go out? `now` when under every
 * cap, else the earliest time every cap has room again (the caller moves it into the send window).
 * Caps only loosen as time passes, so that is the latest of the per-cap answers.
 */
export function capRoom(now: Date, caps: Caps, sent: { toContact: readonly Date[]; fromMailbox: readonly Date[] }): Date {
  requireInstant(now);
  for (const name of ['maxPerContact30d', 'perHour', 'perDay'] as const) {
    const limit = caps[name];
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ParleyError(ErrorCodes.SEQUENCE_INVALID, `sending cap ${name} must be a whole number of at least 1 (got ${limit})`);
    }
  }
  const at = now.getTime();
  return new Date(
    Math.max(
      roomAt(at, caps.maxPerContact30d, CONTACT_WINDOW_MS, sent.toContact),
      roomAt(at, caps.perHour, HOUR_MS, sent.fromMailbox),
      roomAt(at, caps.perDay, DAY_MS, sent.fromMailbox),
    ),
  );
}
