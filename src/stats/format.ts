import type { Rate } from './types.ts';

/** What a rate without a denominator shows: nothing was delivered, so there is nothing to divide. */
export const NO_RATE = '–';

/** 0.0425 → "4.3%"; undefined → "–". */
export function formatRate(r: Rate): string {
  return r.value === undefined ? NO_RATE : `${(r.value * 100).toFixed(1)}%`;
}

/** 45 s → "45s", 12 min → "12m", 3 h 5 min → "3h 05m", 50 h → "2d 2h"; undefined → "–". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return NO_RATE;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)}s`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A period's bound as people read it: "2026-03-01" at midnight UTC, else "2026-03-01 14:30 UTC". */
export function formatDay(at: Date): string {
  const iso = at.toISOString();
  return iso.slice(11, 23) === '00:00:00.000' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
