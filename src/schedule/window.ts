import { DateTime } from 'luxon';
import { ErrorCodes, ParleyError } from '../errors.ts';
import type { SendingPolicy, StepWait, Weekday } from '../sequences/types.ts';
import { requireInstant, toLocal } from './zone.ts';

export type WindowPolicy = Pick<SendingPolicy, 'sendDays' | 'sendHours'>;

/** In luxon's ISO order: index + 1 is DateTime#weekday (1 = Monday). */
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/*
 * DST. The window is wall-clock time: 09:00 is 09:00 local on either side of a change, so its UTC
 * instant moves by the change. Local times that are built (a window opening, a business-day due
 * time) follow luxon: a time in a spring-forward gap moves forward by the gap (02:30 → 03:30), an
 * ambiguous fall-back time takes the later offset, i.e. the second occurrence (01:30 EST, not EDT).
 * A day whose whole window falls in a gap has no window.
 */

/** The ISO weekday numbers a policy sends on; throws for a policy that could never send. */
function checkedDays(policy: WindowPolicy): Set<number> {
  const { startMinute, endMinute } = policy.sendHours;
  const hoursOk =
    Number.isInteger(startMinute) && Number.isInteger(endMinute) && 0 <= startMinute && startMinute < endMinute && endMinute <= 1440;
  const days = new Set(policy.sendDays.map((day) => WEEKDAYS.indexOf(day) + 1));
  if (!hoursOk || days.size === 0 || days.has(0)) {
    throw new ParleyError(
      ErrorCodes.SEQUENCE_INVALID,
      'sending policy needs at least one send day and sendHours with 0 <= startMinute < endMinute <= 1440',
    );
  }
  return days;
}

function minuteOfDay(local: DateTime): number {
  return local.hour * 60 + local.minute;
}

/** The calendar date of `local`, as UTC midnight so stepping by days is plain date arithmetic. */
function calendarDate(local: DateTime): DateTime {
  return DateTime.utc(local.year, local.month, local.day);
}

/** Wall-clock time on `date` in `zone`, resolved by luxon when it does not exist or exists twice. */
function wallClock(date: DateTime, zone: string, time: { hour: number; minute: number; second?: number; millisecond?: number }): DateTime {
  return DateTime.fromObject({ year: date.year, month: date.month, day: date.day, ...time }, { zone });
}

/** The same instant as `at` when it falls inside the send window (an allowed day, startMinute <= local time < endMinute), else the next window opening in `zone`. */
export function nextSendWindow(at: Date, zone: string, policy: WindowPolicy): Date {
  const days = checkedDays(policy);
  const { startMinute, endMinute } = policy.sendHours;
  const local = toLocal(at, zone);
  const minute = minuteOfDay(local);
  if (days.has(local.weekday) && startMinute <= minute && minute < endMinute) return new Date(at.getTime());

  const today = calendarDate(local);
  // Two weeks: an allowed day comes within 7, unless its window was lost to a DST gap.
  for (let offset = minute < startMinute ? 0 : 1; offset <= 14; offset++) {
    const date = today.plus({ days: offset });
    if (!days.has(date.weekday)) continue;
    const opening = wallClock(date, zone, { hour: Math.floor(startMinute / 60), minute: startMinute % 60 });
    const sameDay = opening.day === date.day && minuteOfDay(opening) < endMinute;
    if (sameDay && opening.toMillis() >= at.getTime()) return opening.toJSDate();
  }
  throw new ParleyError(
    ErrorCodes.SEQUENCE_INVALID,
    `sending policy has no send window in the two weeks after ${at.toISOString()} in ${zone}`,
  );
}

/** `days` allowed send days after `after`'s local date, at the same local time of day. */
function addBusinessDays(after: Date, days: number, zone: string, policy: WindowPolicy): Date {
  const allowed = checkedDays(policy);
  if (days === 0) return after;
  const local = toLocal(after, zone);
  let date = calendarDate(local);
  for (let counted = 0; counted < days;) {
    date = date.plus({ days: 1 });
    if (allowed.has(date.weekday)) counted++;
  }
  const { hour, minute, second, millisecond } = local;
  return wallClock(date, zone, { hour, minute, second, millisecond }).toJSDate();
}

/**
 * When a step is due: `after` (previous step sent, or enrollment time) plus the wait, then moved
 * into the send window. A duration is elapsed time (72 h across a DST change ends an hour off in
 * wall-clock terms); business days keep the local time of day. Never before `after`, as waits are
 * non-negative and the window only moves forward.
 */
export function stepDueAt(after: Date, wait: StepWait, zone: string, policy: WindowPolicy): Date {
  requireInstant(after);
  const amount = wait.kind === 'duration' ? wait.ms : wait.days;
  const valid = wait.kind === 'duration' ? Number.isFinite(amount) : Number.isInteger(amount);
  if (!valid || amount < 0) {
    throw new ParleyError(ErrorCodes.SEQUENCE_INVALID, `step wait must be zero or more (got ${wait.kind} ${amount})`);
  }
  const candidate = wait.kind === 'duration' ? new Date(after.getTime() + wait.ms) : addBusinessDays(after, wait.days, zone, policy);
  return nextSendWindow(candidate, zone, policy);
}
