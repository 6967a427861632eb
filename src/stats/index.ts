/**
 * Conversational-marketing metrics: per sequence and per step, what the emails of a period did
 * (sent, delivered, replied, positive, qualified, opted out, completed, answered how fast).
 * Definitions in types.ts and docs/METRICS.md. The counting is pure (`computeStats`); `readStats`
 * feeds it from the database.
 */
export type {
  ConversationMetrics,
  EnrolledRecord,
  IntentDay,
  Rate,
  ResponseBucket,
  ResponseTimes,
  SequenceOutline,
  SequenceStats,
  StatsEvent,
  StatsPeriod,
  StatsReport,
  StepStats,
  VariantComparison,
  VariantStats,
} from './types.ts';
export { compareVariants, twoProportionP, MIN_SENT_PER_VARIANT } from './variants.ts';
export { computeStats, StatsCollector, type StatsOptions } from './collector.ts';
export { readStats, outlineOf, type ReadStatsOptions, type StatsCollections } from './read.ts';
export {
  buildStatsDay,
  buildStatsDays,
  statsDaysJob,
  STATS_DAYS_INTERVAL_MS,
  STATS_DAYS_JOB,
  SUMMARY_HORIZON_DAYS,
  type BuildDaysReport,
  type SummaryCollections,
} from './days.ts';
export { resolvePeriod, DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, type PeriodInput, type PeriodResult } from './period.ts';
export { OPT_OUT_WARNING_RATE, POSITIVE_INTENTS, nearestRank } from './rates.ts';
export { RESPONSE_BUCKETS } from './response-times.ts';
export { formatDuration, formatRate, formatDay } from './format.ts';
