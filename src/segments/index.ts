/**
 * Behaviour segments: `segments/*.yaml` rules over contact fields, qualification, reply intents,
 * sequence states and events with counts and time windows, evaluated from per-contact rollups kept
 * as events arrive; membership kept in MongoDB with its history, and the sequences whose audience is a segment enrolled (and stopped) as contacts enter
 * and leave it.
 */
export type {
  ContactFieldName,
  EventCondition,
  QualificationSignal,
  RuleExplanation,
  Segment,
  SegmentRule,
  ValueMatcher,
} from './types.ts';
export { parseSegment, type SegmentLoadResult } from './parse.ts';
export { loadSegments, SegmentCatalog, type LoadedSegments } from './load.ts';
export {
  describeRule,
  entryContext,
  explainSegment,
  formatExplanation,
  matchesRule,
  shortReason,
  type ContactFacts,
  type SegmentContact,
} from './evaluate.ts';
export { loadContactFacts, referencedEventTypes } from './facts.ts';
export { refreshAllSegments, refreshContacts, refreshQueuedContacts, type RefreshInput, type RefreshReport } from './refresh.ts';
export { planRollups, type RollupPlan } from './rollup.ts';
export { rebuildRollups } from './rollups.ts';
export { SegmentUpdater, type SegmentUpdaterOptions } from './updater.ts';
export { segmentRefreshJob, REFRESH_JOB } from './refresh-job.ts';
export { explainContact, type SegmentVerdict } from './explain.ts';
export { audienceFindings, AUDIENCE_SEGMENT_RULE } from './audience-lint.ts';
export { membershipKey, readMemberships, type SegmentMembership } from './memberships.ts';
