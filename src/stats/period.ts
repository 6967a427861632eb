import type { StatsPeriod } from './types.ts';

/** Without --from or --days: the last 30 days. */
export const DEFAULT_PERIOD_DAYS = 30;
/** Ten years: longer periods are a typo (and a very long read of the events). */
export const MAX_PERIOD_DAYS = 3660;

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A date-time must carry its zone (Z or ±hh:mm): a bare local time means a different period on every machine. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface PeriodInput {
  /** ISO date (that day's start, UTC) or date-time with zone. */
  from?: string | undefined;
  /** ISO date (the period includes that whole UTC day) or date-time with zone (exclusive). Default: now. */
  to?: string | undefined;
  /** The period's length in days, ending at `to`; instead of `from`. */
  days?: string | undefined;
}

export type PeriodResult = { ok: true; period: StatsPeriod } | { ok: false; message: string };

/** A date the calendar has (2026-02-30 is refused, not rolled over to March). */
function parseDate(text: string): Date | undefined {
  if (DATE.test(text)) {
    const at = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === text ? at : undefined;
  }
  if (!DATE_TIME.test(text) || parseDate(text.slice(0, 10)) === undefined) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * The period [from, to) that `parley stats` and the stats page report on. A date-only `to` reads
 * the way people say it: `--from 2026-03-01 --to 2026-03-31` is all of March.
 */
export function resolvePeriod(input: PeriodInput, now: Date): PeriodResult {
  const { from: fromText, to: toText, days: daysText } = input;
  if (fromText !== undefined && daysText !== undefined) return { ok: false, message: 'Give --from or --days, not both.' };
  let to = now;
  if (toText !== undefined) {
    const at = parseDate(toText);
    if (!at)
      return { ok: false, message: `"${toText}" is not a date: use YYYY-MM-DD or a date-time with its zone, like 2026-03-31T18:00Z.` };
    to = DATE.test(toText) ? new Date(at.getTime() + DAY_MS) : at;
  }
  let from: Date;
  if (fromText !== undefined) {
    const at = parseDate(fromText);
    if (!at)
      return { ok: false, message: `"${fromText}" is not a date: use YYYY-MM-DD or a date-time with its zone, like 2026-03-01T00:00Z.` };
    from = at;
  } else {
    const days = daysText === undefined ? DEFAULT_PERIOD_DAYS : /^\d{1,5}$/.test(daysText) ? Number(daysText) : Number.NaN;
    if (!(days >= 1 && days <= MAX_PERIOD_DAYS))
      return { ok: false, message: `Days must be a whole number from 1 to ${MAX_PERIOD_DAYS}; got "${daysText ?? ''}".` };
    from = new Date(to.getTime() - days * DAY_MS);
  }
  if (from >= to)
    return { ok: false, message: `The period must start before it ends: ${from.toISOString()} is not before ${to.toISOString()}.` };
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    return { ok: false, message: `The period is longer than ${MAX_PERIOD_DAYS} days; pick a shorter one.` };
  return { ok: true, period: { from, to } };
}
