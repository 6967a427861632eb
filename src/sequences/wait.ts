import ms from 'ms';
import type { StepWait } from './types.ts';

const EXAMPLE = 'write it like "3 days", "12 hours" or "2 business days"';

/** "2 business days", "1 working day": counted on the policy's send days, not on the calendar. */
const BUSINESS_DAYS = /^(\d+(?:\.\d+)?)\s*(?:business|working|work)[\s-]*days?$/i;

/**
 * A step's `wait` as written in the file (a string, or the number 0), or a message saying what is
 * wrong with it. Plain durations go through `ms`, so "3 days", "12h" and "30m" all work.
 */
export function parseWait(value: unknown): StepWait | string {
  // YAML reads `wait: 0` as a number; any other bare number has no unit anyone could guess.
  if (value === 0) return { kind: 'duration', ms: 0 };
  if (typeof value === 'number') return `${value} has no unit; expected a duration such as "3 days", "12 hours" or "2 business days"`;
  if (typeof value !== 'string') return 'expected a duration such as "3 days", "12 hours" or "2 business days"';

  const text = value.trim();
  const business = BUSINESS_DAYS.exec(text);
  if (business) {
    const days = Number(business[1]);
    return Number.isInteger(days) ? { kind: 'business_days', days } : `"${value}": business days must be a whole number`;
  }
  // ms reads a bare "3" as 3 milliseconds, which nobody writing a sequence means.
  if (/^[+-]?\d+(\.\d+)?$/.test(text) && Number(text) !== 0) return `"${value}" has no unit; ${EXAMPLE}`;
  const millis: number | undefined = text === '' ? undefined : ms(text as ms.StringValue);
  if (millis === undefined || !Number.isFinite(millis)) return `can't read "${value}" as a duration; ${EXAMPLE}`;
  if (millis < 0) return `"${value}" is negative; a wait must be zero or more`;
  return { kind: 'duration', ms: millis };
}
