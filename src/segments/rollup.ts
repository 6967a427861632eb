import { createHash } from 'node:crypto';
import type { ConditionTallyDoc, ContactRollupDoc, EnrollmentStatus, EventDoc } from '../db/index.ts';
import {
  eventConditions,
  eventFits,
  positiveEventConditions,
  type ContactFacts,
  type MatchingEvents,
  type SegmentContact,
} from './evaluate.ts';
import type { EventCondition, Segment } from './types.ts';

/**
 * Per-contact rollups, the pure part: which event conditions the segments use, how a contact's
 * events fold into one tally per condition, and how a tally answers a rule at a given moment.
 * Segment evaluation reads a contact's rollup, never its events.
 */

/** Same condition, same counts: conditions written alike in several segments are counted once. */
export const conditionKey = (c: EventCondition): string =>
  JSON.stringify([c.type, c.windowMs ?? null, Object.entries(c.where).sort(([a], [b]) => a.localeCompare(b))]);

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** A condition's key in a rollup document: hex, so never a dot or a `$` (FerretDB rejects both in keys). */
export function conditionId(c: EventCondition): string {
  let id = ids.get(c);
  if (id === undefined) ids.set(c, (id = hash(conditionKey(c), 16)));
  return id;
}
// A refresh asks for every contact's conditions: hash each loaded condition once.
const ids = new WeakMap<EventCondition, string>();

/** What the rollups hold for a set of segments. */
export interface RollupPlan {
  /** Names the condition set: a rollup built for another set counts as empty. */
  definitions: string;
  /** By condition id. */
  conditions: ReadonlyMap<string, EventCondition>;
  /** Condition ids by event type. */
  byType: ReadonlyMap<string, readonly string[]>;
  /** Conditions that bring contacts in: their newest event fills the templates' event_* variables. */
  keepsNewest: ReadonlySet<string>;
  /** Event types any condition looks at. */
  types: readonly string[];
  /**
   * Per event type, how far back a contact's events of that type can still count: the longest
   * window of its conditions, or undefined when one of them has no window (then every event
   * counts). Recomputing a contact reads only these: its old page visits never again.
   */
  horizons: ReadonlyMap<string, number | undefined>;
}

export function planRollups(segments: readonly Segment[]): RollupPlan {
  const conditions = new Map<string, EventCondition>();
  for (const s of segments) for (const c of eventConditions(s.rule)) conditions.set(conditionId(c), c);
  const byType = new Map<string, string[]>();
  for (const [id, c] of conditions) byType.set(c.type, [...(byType.get(c.type) ?? []), id]);
  const keepsNewest = new Set(segments.flatMap((s) => positiveEventConditions(s.rule).map(conditionId)));
  const ids = [...conditions.keys()].sort();
  const horizons = new Map<string, number | undefined>();
  for (const [type, typeIds] of byType) {
    const windows = typeIds.map((id) => conditions.get(id)?.windowMs);
    horizons.set(type, windows.some((w) => w === undefined) ? undefined : Math.max(...(windows as number[])));
  }
  return { definitions: hash(ids.join(','), 12), conditions, byType, keepsNewest, types: [...byType.keys()].sort(), horizons };
}

/** Whether an event of the plan's types is too old to ever count again at `now` (or later). */
export function pastHorizon(plan: Pick<RollupPlan, 'horizons'>, event: Pick<EventDoc, 'type' | 'at'>, now: Date): boolean {
  const horizon = plan.horizons.get(event.type);
  return horizon !== undefined && event.at.getTime() < now.getTime() - horizon;
}

/** A rollup's `_id`: per condition set, so a rebuild for edited segments never collides with the old documents. */
export const rollupId = (plan: Pick<RollupPlan, 'definitions'>, contactId: string): string => `${plan.definitions}:${contactId}`;

type RollupEvent = Pick<EventDoc, 'type' | 'at' | 'props'>;

/** Folds one contact's events, in any order, into a tally per condition. */
export class RollupBuilder {
  readonly #plan: RollupPlan;
  readonly #now: Date;
  readonly #tallies = new Map<string, ConditionTallyDoc>();
  #events = 0;

  /**
   * `base`, a stored rollup of the plan, is what the new events are added to (the event pass):
   * its tallies carry over, less the times that have left their windows by `now`.
   */
  constructor(plan: RollupPlan, now: Date, base?: Pick<ContactRollupDoc, 'conditions' | 'events'>) {
    this.#plan = plan;
    this.#now = now;
    if (!base) return;
    this.#events = base.events;
    for (const [id, tally] of Object.entries(base.conditions)) {
      const condition = plan.conditions.get(id);
      if (!condition) continue;
      const from = condition.windowMs === undefined ? undefined : now.getTime() - condition.windowMs;
      const recent = from === undefined ? undefined : (tally.recent ?? []).filter((at) => at.getTime() >= from);
      this.#tallies.set(id, { count: tally.count, ...(recent !== undefined && { recent }), ...(tally.newest && { newest: tally.newest }) });
    }
  }

  add(event: RollupEvent): void {
    const ids = this.#plan.byType.get(event.type);
    if (!ids) return;
    this.#events += 1;
    for (const id of ids) {
      const condition = this.#plan.conditions.get(id);
      if (!condition || !eventFits(condition, event)) continue;
      const tally = this.#tallies.get(id) ?? { count: 0 };
      tally.count += 1;
      // Times already out of the window can never count again: a window only moves forward.
      if (condition.windowMs !== undefined && event.at.getTime() >= this.#now.getTime() - condition.windowMs)
        (tally.recent ??= []).push(event.at);
      if (this.#plan.keepsNewest.has(id) && (!tally.newest || event.at > tally.newest.at))
        tally.newest = { type: event.type, at: event.at, props: { ...event.props } };
      this.#tallies.set(id, tally);
    }
  }

  build(contactId: string): ContactRollupDoc {
    const conditions: Record<string, ConditionTallyDoc> = {};
    for (const [id, tally] of this.#tallies)
      conditions[id] = tally.recent ? { ...tally, recent: [...tally.recent].sort((a, b) => a.getTime() - b.getTime()) } : tally;
    return {
      _id: rollupId(this.#plan, contactId),
      contactId,
      definitions: this.#plan.definitions,
      conditions,
      events: this.#events,
      computedAt: this.#now,
    };
  }
}

export function buildRollup(plan: RollupPlan, contactId: string, events: Iterable<RollupEvent>, now: Date): ContactRollupDoc {
  const builder = new RollupBuilder(plan, now);
  for (const e of events) builder.add(e);
  return builder.build(contactId);
}

/** The tallies a rollup holds for the plan: none when it was built for another condition set. */
export type RollupTallies = Readonly<Record<string, ConditionTallyDoc>>;

export function talliesOf(
  plan: RollupPlan,
  rollup: Pick<ContactRollupDoc, 'definitions' | 'conditions'> | null | undefined,
): RollupTallies {
  return rollup && rollup.definitions === plan.definitions ? rollup.conditions : {};
}

/** How many of a contact's events meet the condition at `now`, and the newest of them. */
export function matchingAt(condition: EventCondition, tally: ConditionTallyDoc | undefined, now: Date): MatchingEvents {
  if (!tally) return { count: 0, newest: undefined };
  if (condition.windowMs === undefined) return { count: tally.count, newest: tally.newest };
  const from = now.getTime() - condition.windowMs;
  const inWindow = (at: Date) => at.getTime() >= from && at.getTime() <= now.getTime();
  const count = (tally.recent ?? []).filter(inWindow).length;
  return { count, newest: tally.newest && inWindow(tally.newest.at) ? tally.newest : undefined };
}

/** A contact's facts from its rollup: what every rule is evaluated against. */
export function rollupFacts(
  plan: RollupPlan,
  contact: SegmentContact,
  tallies: RollupTallies,
  enrollments: ReadonlyArray<{ sequenceId: string; status: EnrollmentStatus }>,
  now: Date,
): ContactFacts {
  return {
    contact,
    enrollments,
    events: (condition) => matchingAt(condition, tallies[conditionId(condition)], now),
  };
}
