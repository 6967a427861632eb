import type { StatsOptions } from './folded.ts';
import type { IntentDay } from './types.ts';

const DAY_MS = 86_400_000;
const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * Replies per UTC day and intent, on one axis for the whole report: every day from the period's
 * first to its last (or to today, when the period runs on), and on to the day of the latest
 * counted reply, since a reply to an email of the period may come after it. Days without replies
 * are there with zeros, so a chart's gaps are real.
 */
export function intentDays(
  replies: ReadonlyArray<{ at: Date; intent: string }>,
  options: Pick<StatsOptions, 'period' | 'asOf'>,
): {
  forReplies(replies: ReadonlyArray<{ at: Date; intent: string }>): IntentDay[];
} {
  const { from, to } = options.period;
  let last = Math.min(to.getTime() - 1, options.asOf.getTime());
  for (const r of replies) last = Math.max(last, r.at.getTime());
  const axis: string[] = [];
  for (let t = Date.parse(dayOf(from)); t <= last; t += DAY_MS) axis.push(dayOf(new Date(t)));
  return {
    forReplies(subset) {
      const byDay = new Map<string, Map<string, number>>();
      for (const r of subset) {
        const counts = byDay.get(dayOf(r.at)) ?? new Map<string, number>();
        counts.set(r.intent, (counts.get(r.intent) ?? 0) + 1);
        byDay.set(dayOf(r.at), counts);
      }
      return axis.map((day) => {
        const counts = byDay.get(day) ?? new Map<string, number>();
        return { day, total: [...counts.values()].reduce((a, b) => a + b, 0), byIntent: Object.fromEntries(counts) };
      });
    },
  };
}
