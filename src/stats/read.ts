import type { ParleyCollections } from '../db/index.ts';
import { OWN_EVENTS } from '../events/types.ts';
import type { Sequence } from '../sequences/index.ts';
import { StatsCollector } from './collector.ts';
import type { EnrolledRecord, SequenceOutline, StatsEvent, StatsPeriod, StatsReport } from './types.ts';

export interface ReadStatsOptions {
  period: StatsPeriod;
  /** The sequences to report even when nothing happened in them, with their steps in order. */
  sequences: readonly SequenceOutline[];
  /** Only this sequence. */
  sequenceId?: string | undefined;
  now?: () => Date;
}

/** The outcomes of a conversation; `auto_replied` is left out: an out-of-office is not a reply. */
const OUTCOME_TYPES = [OWN_EVENTS.bounced, OWN_EVENTS.replied, OWN_EVENTS.unsubscribed, OWN_EVENTS.qualified, OWN_EVENTS.taskAnswered];
const EVENT_FIELDS = { _id: 1, type: 1, at: 1, sequenceId: 1, stepId: 1, enrollmentId: 1, 'props.kind': 1, 'props.intent': 1, 'props.response_ms': 1 } as const;
/** Events per round trip; the cursor streams them, so memory holds one batch plus the tallies. */
const BATCH_SIZE = 2000;

export const outlineOf = (sequence: Pick<Sequence, 'id' | 'name' | 'steps'>): SequenceOutline => ({
  id: sequence.id,
  name: sequence.name,
  stepIds: sequence.steps.map((s) => s.id),
});

/**
 * The metrics of a period, read from the database with plain finds (FerretDB v1 has no $lookup,
 * $facet or $group accumulators beyond $sum): the emails sent in the period, their outcomes since
 * (up to now), and the enrollments enrolled in it, streamed through the collector.
 */
export async function readStats(db: Pick<ParleyCollections, 'events' | 'enrollments'>, options: ReadStatsOptions): Promise<StatsReport> {
  const { period, sequenceId } = options;
  const asOf = (options.now ?? (() => new Date()))();
  const collector = new StatsCollector({ period, asOf, sequences: options.sequences, sequenceId });
  const onlySequence = sequenceId === undefined ? {} : { sequenceId };

  const sends = db.events.find<StatsEvent>(
    { type: OWN_EVENTS.sent, at: { $gte: period.from, $lt: period.to }, ...onlySequence },
    { projection: EVENT_FIELDS, batchSize: BATCH_SIZE },
  );
  for await (const event of sends) collector.add(event);

  const outcomes = db.events.find<StatsEvent>(
    { type: { $in: OUTCOME_TYPES }, at: { $gte: period.from, $lte: asOf }, ...onlySequence },
    { projection: EVENT_FIELDS, batchSize: BATCH_SIZE },
  );
  for await (const event of outcomes) collector.add(event);

  const enrolled = db.enrollments.find<EnrolledRecord>(
    { enrolledAt: { $gte: period.from, $lt: period.to }, ...onlySequence },
    { projection: { _id: 0, sequenceId: 1, status: 1, enrolledAt: 1 }, batchSize: BATCH_SIZE },
  );
  for await (const enrollment of enrolled) collector.addEnrollment(enrollment);

  return collector.report();
}
