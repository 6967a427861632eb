import type { TaskStore, TimeBound } from '../db/index.ts';
import type { SequenceOutline, StatsPeriod, StatsReport } from '../stats/index.ts';

/** The trailing window the alarm gauges count over: long enough to have volume, short enough to move when a bad step goes out. */
export const ALARM_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;

/** Per sequence, what an alert watches: how its emails are received, and how long its replies wait for a person. */
export interface SequenceAlarms {
  sequenceId: string;
  /** Emails delivered in the window (sent, less hard bounces): the denominator, so a rule can ask for volume first. */
  delivered: number;
  /** Opt-outs / delivered in the window; undefined with nothing delivered. */
  optOutRatio: number | undefined;
  /** Hard bounces / sent in the window; undefined with nothing sent. */
  bounceRatio: number | undefined;
  /** Seconds the oldest reply still waiting for a person (task open or claimed) has waited; 0 when none waits. */
  replyQueueAgeSeconds: number;
}

export interface AlarmSources {
  /** The stats read of a period (src/stats readStats), for the sequences given. */
  stats: (period: StatsPeriod, sequences: readonly SequenceOutline[], now: Date) => Promise<StatsReport>;
  tasks: Pick<TaskStore, 'oldestWaitingBySequence'>;
  /** The sequences loaded now (a file's sequence shows with zeros before it has sent anything). */
  sequences: () => readonly SequenceOutline[];
}

/** Milliseconds the tasks read may take: Prometheus gives up on a scrape at 10 s by default. */
const QUERY_MAX_MS = 2_000;

/**
 * Reads the alarm figures of every sequence: the stats of the last ALARM_WINDOW_DAYS (the same
 * definitions as `parley stats` and the stats page, so the alert and the page agree) and the
 * reply queue's oldest waiting task per sequence.
 */
export async function readAlarms(sources: AlarmSources, now: Date): Promise<SequenceAlarms[]> {
  const period = { from: new Date(now.getTime() - ALARM_WINDOW_DAYS * DAY_MS), to: now };
  const bound: TimeBound = { maxTimeMS: QUERY_MAX_MS };
  const [report, oldest] = await Promise.all([
    sources.stats(period, sources.sequences(), now),
    sources.tasks.oldestWaitingBySequence(bound),
  ]);
  const alarms = new Map<string, SequenceAlarms>();
  for (const { sequenceId, total } of report.sequences) {
    alarms.set(sequenceId, {
      sequenceId,
      delivered: total.delivered,
      optOutRatio: total.optOutRate.value,
      bounceRatio: total.sent === 0 ? undefined : total.bounced / total.sent,
      replyQueueAgeSeconds: 0,
    });
  }
  for (const [sequenceId, since] of oldest) {
    const entry = alarms.get(sequenceId) ?? {
      sequenceId,
      delivered: 0,
      optOutRatio: undefined,
      bounceRatio: undefined,
      replyQueueAgeSeconds: 0,
    };
    entry.replyQueueAgeSeconds = Math.max(0, (now.getTime() - since.getTime()) / 1000);
    alarms.set(sequenceId, entry);
  }
  return [...alarms.values()].sort((a, b) => a.sequenceId.localeCompare(b.sequenceId));
}
