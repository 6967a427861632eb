import type { EnrollmentStatus } from '../db/index.ts';

/** A test on one string value (a contact field, an event property). Several keys must all hold. */
export interface ValueMatcher {
  equals?: string | undefined;
  in?: readonly string[] | undefined;
  startsWith?: string | undefined;
  contains?: string | undefined;
  /** true: has a non-empty value; false: has none. */
  exists?: boolean | undefined;
  /** Numeric bounds, inclusive (qualification team_size). */
  min?: number | undefined;
  max?: number | undefined;
}

/** "visited /pricing at least twice in 7 days": events of a type, filtered by properties, counted in a window. */
export interface EventCondition {
  kind: 'event';
  type: string;
  where: Readonly<Record<string, ValueMatcher>>;
  atLeast: number;
  atMost: number | undefined;
  /** Only events in the last windowMs count; undefined: ever. */
  windowMs: number | undefined;
  /** How the file wrote the window ("7 days"), for explanations. */
  windowText: string | undefined;
}

export type ContactFieldName = 'email' | 'first_name' | 'last_name' | 'company' | 'owner' | 'time_zone';

export type SegmentRule =
  | { kind: 'all'; rules: readonly SegmentRule[] }
  | { kind: 'any'; rules: readonly SegmentRule[] }
  | { kind: 'not'; rule: SegmentRule }
  | EventCondition
  /** A standard contact field (email, first_name, ...) or a custom one. */
  | { kind: 'field'; name: string; test: ValueMatcher }
  /** What replies revealed: team_size, timeline, budget, authority, main_goal. */
  | { kind: 'qualification'; signal: QualificationSignal; test: ValueMatcher }
  | { kind: 'qualified'; value: boolean }
  /** The contact has an enrollment in the sequence, in one of these states (any state when empty). */
  | { kind: 'sequence'; sequenceId: string; statuses: readonly EnrollmentStatus[] };

export type QualificationSignal = 'team_size' | 'timeline' | 'budget' | 'authority' | 'main_goal';

export interface Segment {
  id: string;
  name: string;
  description: string | undefined;
  /** The path it was loaded from. */
  file: string;
  rule: SegmentRule;
}

/** Why a rule holds or not for one contact, as a tree of plain sentences (for `segments explain` and membership reasons). */
export interface RuleExplanation {
  ok: boolean;
  text: string;
  children: RuleExplanation[];
}
