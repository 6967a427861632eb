import {
  enrollmentStore,
  eventStore,
  statsDayStore,
  utcDay,
  type ParleyCollections,
  type StatsDayDoc,
  type StatsDayStore,
} from '../db/index.ts';
import { OUTCOME_EVENT_TYPES, OWN_EVENTS } from '../events/types.ts';
import type { Sequence } from '../sequences/index.ts';
import { StatsCollector } from './collector.ts';
import { dayStart, decodePart, nextDay, usableSummaries } from './days.ts';
import type { SequenceOutline, StatsEvent, StatsPeriod, StatsReport } from './types.ts';

export interface ReadStatsOptions {
  period: StatsPeriod;
  /** The sequences to report even when nothing happened in them, with their steps in order. */
  sequences: readonly SequenceOutline[];
  /** Only this sequence. */
  sequenceId?: string | undefined;
  now?: () => Date;
  /** false: every day from the events, as before the day summaries (for comparisons; default true). */
  summaries?: boolean;
}

const DAY_MS = 86_400_000;

/** The collections behind the stores a read uses: the events and enrollments (streamed, in batches of 2000) and the day summaries. */
export type StatsCollections = Pick<
  ParleyCollections,
  'events' | 'enrollments' | 'rollupQueue' | 'statsQueue' | 'statsDays' | 'statsDayParts'
>;

export const outlineOf = (sequence: Pick<Sequence, 'id' | 'name' | 'steps'>): SequenceOutline => ({
  id: sequence.id,
  name: sequence.name,
  stepIds: sequence.steps.map((s) => s.id),
});

/** A half-open span of event times, [from, to). */
interface Span {
  from: number;
  to: number;
}

/**
 * The metrics of a period, read from the database with plain finds (FerretDB v1 has no $lookup,
 * $facet or $group accumulators beyond $sum): the emails sent in the period, their outcomes since
 * (up to now), and the enrollments enrolled in it, streamed through the collector. Whole UTC days
 * that have a current summary (days.ts) come from it; the rest of the period (its cut-off first
 * and last days, today, days with a late event) from the events. Both streams and the enrollments
 * are read at once, so the database decodes while Node counts.
 */
export async function readStats(db: StatsCollections, options: ReadStatsOptions): Promise<StatsReport> {
  const { period, sequenceId } = options;
  const asOf = (options.now ?? (() => new Date()))();
  const collector = new StatsCollector({ period, asOf, sequences: options.sequences, sequenceId });
  const events = eventStore(db);
  const summaryStore = statsDayStore(db);

  // Sends count in [from, to), outcomes in [from, asOf]: everything the read covers is in [from, end).
  const end = Math.max(period.to.getTime(), asOf.getTime() + 1);
  const summaries =
    options.summaries === false
      ? new Map<string, StatsDayDoc>()
      : await summariesWithin(summaryStore, { from: period.from.getTime(), to: asOf.getTime() + 1 });

  const readEvents = async (spans: readonly Span[]) => {
    for (const span of spans) {
      const sendsTo = Math.min(span.to, period.to.getTime());
      if (span.from < sendsTo) {
        const sends = events.statsEvents({ type: OWN_EVENTS.sent, from: new Date(span.from), to: new Date(sendsTo), sequenceId });
        for await (const event of sends) collector.add(event);
      }
      const outcomesTo = Math.min(span.to, asOf.getTime() + 1);
      if (span.from < outcomesTo) {
        const outcomes = events.statsEvents({ type: OUTCOME_EVENT_TYPES, from: new Date(span.from), to: new Date(outcomesTo), sequenceId });
        for await (const event of outcomes) collector.add(event);
      }
    }
  };

  const readEnrolled = async () => {
    const enrolled = enrollmentStore(db).enrolledWithin({ from: period.from, to: period.to, sequenceId });
    for await (const enrollment of enrolled) collector.addEnrollment(enrollment);
  };

  const summarizedDays = [...summaries.keys()];
  const [unread] = await Promise.all([
    feedSummaries(summaryStore, summaries, sequenceId, (event) => collector.add(event)),
    readEvents(without({ from: period.from.getTime(), to: end }, summarizedDays)),
    readEnrolled(),
  ]);
  // A summary superseded while we read it (its parts gone): that day from the events after all.
  await readEvents(unread.map((day) => ({ from: dayStart(day), to: dayStart(day) + DAY_MS })));

  return collector.report();
}

/** The usable summaries of the whole UTC days inside `span`. */
async function summariesWithin(store: Pick<StatsDayStore, 'markedDays' | 'versionsWithin'>, span: Span): Promise<Map<string, StatsDayDoc>> {
  const startOfFirst = dayStart(utcDay(new Date(span.from)));
  const first = startOfFirst === span.from ? utcDay(new Date(span.from)) : nextDay(utcDay(new Date(span.from)));
  const last = utcDay(new Date(span.to - DAY_MS));
  if (dayStart(first) + DAY_MS > span.to) return new Map();
  return usableSummaries(store, first, last);
}

/** `span` less the given days, as sorted spans. */
function without(span: Span, days: readonly string[]): Span[] {
  const spans: Span[] = [];
  let from = span.from;
  for (const day of [...days].sort()) {
    const start = dayStart(day);
    if (start > from) spans.push({ from, to: start });
    from = Math.max(from, start + DAY_MS);
  }
  if (from < span.to) spans.push({ from, to: span.to });
  return spans;
}

/**
 * Feeds the summaries' events (of one sequence, if asked) to `add`, a day at a time once all its
 * parts are in, so a day is either counted whole or not at all. Returns the days whose parts were
 * gone (superseded by a newer version during the read).
 */
async function feedSummaries(
  store: Pick<StatsDayStore, 'parts'>,
  summaries: ReadonlyMap<string, StatsDayDoc>,
  sequenceId: string | undefined,
  add: (event: StatsEvent) => void,
): Promise<string[]> {
  const wanted = new Map<string, { day: string; left: number }>();
  const dayOfPart = new Map<string, string>();
  for (const head of summaries.values()) {
    const parts = head.parts.filter((p) => sequenceId === undefined || p.sequenceId === sequenceId);
    wanted.set(head.day, { day: head.day, left: parts.length });
    for (const p of parts) dayOfPart.set(p.id, head.day);
  }
  const pending = new Map<string, Array<{ day: string; sequenceId?: string | undefined; events: string }>>();
  const feed = (day: string) => {
    for (const part of pending.get(day) ?? []) for (const event of decodePart(part)) add(event);
    pending.delete(day);
  };
  for (const [day, w] of wanted) if (w.left === 0) feed(day);
  if (dayOfPart.size > 0) {
    const parts = store.parts([...dayOfPart.keys()]);
    for await (const part of parts) {
      const day = dayOfPart.get(part._id);
      const w = day === undefined ? undefined : wanted.get(day);
      if (day === undefined || !w) continue;
      pending.set(day, [...(pending.get(day) ?? []), part]);
      w.left -= 1;
      if (w.left === 0) feed(day);
    }
  }
  return [...wanted.values()].filter((w) => w.left > 0).map((w) => w.day);
}
