import { randomUUID } from 'node:crypto';
import {
  eventStore,
  statsDayStore,
  utcDay,
  type ParleyCollections,
  type StatsDayDoc,
  type StatsDayPartDoc,
  type StatsDayStore,
} from '../db/index.ts';
import { OWN_EVENTS, STATS_EVENT_TYPES } from '../events/types.ts';
import type { RecurringJob } from '../jobs/index.ts';
import type { StatsEvent } from './types.ts';

/**
 * Per UTC day, a summary of the day's stats events (sends and outcomes, by the event's own `at`),
 * so a stats read decodes a few documents per day instead of one per event. A summary is exactly
 * the day's events, compacted: the read feeds them to the same collector as the events, so the
 * report cannot differ. Outcomes are filed under their own day, not their email's, so a late reply
 * lands in today's (live) part, never in an old summary.
 *
 * Consistency without transactions or non-atomic updates (FerretDB v1, STACK-NOTES):
 * - Every stats event gets a marker in `stats_queue` *before* it is inserted (recordOwnEvent). A
 *   day with a marker is dirty: a read takes it from the events; the next build folds it in.
 * - A build reads the day's latest version number, then its events, inserts its parts, then the
 *   head `<day>#<latest+1>` (insert-once: of two builds at once one wins, the other removes its
 *   parts). Only then does it delete the markers of the events it included. So any version with a
 *   higher number was built from a read after this one's head existed, and contains its events.
 * - A read looks at the markers first, then the heads: a marker gone means a version holding its
 *   event existed by then. A head whose parts were removed meanwhile (a newer version superseded
 *   it) is noticed by the missing parts, and that day is read from the events.
 * Events are never updated or deleted in place, which is what makes a day's events a fixed set
 * once its markers are gone.
 */

const DAY_MS = 86_400_000;
/** Events per part document: about 2 MB of JSON, far below MongoDB's 16 MB document limit. */
export const PART_EVENTS = 20_000;
/** A closed day gets its summary this long after midnight, so the day's last sends and in-flight records settle first. */
export const SETTLE_MS = 10 * 60_000;
/** Days back a build covers without being asked (longer periods read the uncovered days from the events). */
export const SUMMARY_HORIZON_DAYS = 400;
/**
 * A marker this old whose event a build did not find belongs to an event that was never inserted
 * (its recorder died between marker and event): it is dropped so the day can be summarized.
 */
const MARKER_EXPIRY_MS = 60 * 60_000;

/** The collections behind the event and summary stores a build uses (of the events it only reads). */
export type SummaryCollections = Pick<ParleyCollections, 'events' | 'rollupQueue' | 'statsQueue' | 'statsDays' | 'statsDayParts'>;

/**
 * One event in a part: [type index in STATS_EVENT_TYPES, ms since the day's start, enrollment id,
 * step id, the `_id` (kept only where the metrics read it: replies and answers), the one property
 * the metrics read of its type]. null for absent.
 */
type EventTuple = [number, number, string, string | null, string | null, string | null];

/** The property the metrics read, per event type. */
const PROPERTY_OF: Readonly<Record<string, string>> = {
  // Kept so per-variant stats read from summaries as from the events (the day's A/B split).
  [OWN_EVENTS.sent]: 'variant',
  [OWN_EVENTS.bounced]: 'kind',
  [OWN_EVENTS.replied]: 'intent',
  [OWN_EVENTS.taskAnswered]: 'response_ms',
};
const KEEPS_ID: ReadonlySet<string> = new Set([OWN_EVENTS.replied, OWN_EVENTS.taskAnswered]);

export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);
export const nextDay = (day: string): string => utcDay(new Date(dayStart(day) + DAY_MS));

/** The event as a tuple; undefined for an event the metrics never count (no enrollment). */
function encode(event: StatsEvent, start: number): EventTuple | undefined {
  const type = STATS_EVENT_TYPES.indexOf(event.type as (typeof STATS_EVENT_TYPES)[number]);
  if (event.enrollmentId === undefined || event.enrollmentId === null || type < 0) return undefined;
  const property = PROPERTY_OF[event.type];
  const value = property === undefined ? undefined : event.props?.[property];
  return [
    type,
    event.at.getTime() - start,
    event.enrollmentId,
    event.stepId ?? null,
    KEEPS_ID.has(event.type) ? event._id : null,
    value ?? null,
  ];
}

/** The events of one part, as the collector takes them. */
export function decodePart(part: Pick<StatsDayPartDoc, 'day' | 'sequenceId' | 'events'>): StatsEvent[] {
  const start = dayStart(part.day);
  const tuples = JSON.parse(part.events) as EventTuple[];
  return tuples.map(([typeIndex, offset, enrollmentId, stepId, id, value]) => {
    const type = STATS_EVENT_TYPES[typeIndex] ?? '';
    const property = PROPERTY_OF[type];
    return {
      _id: id ?? '',
      type,
      at: new Date(start + offset),
      sequenceId: part.sequenceId,
      stepId: stepId ?? undefined,
      enrollmentId,
      props: property !== undefined && value !== null ? { [property]: value } : {},
    };
  });
}

/** One day's stats events, folded into part contents by sequence (the pure half of a build). */
export class DaySummary {
  readonly #day: string;
  readonly #start: number;
  readonly #bySequence = new Map<string | undefined, EventTuple[]>();

  constructor(day: string) {
    this.#day = day;
    this.#start = dayStart(day);
  }

  /** An event of this day (others are a caller's bug: they would be counted on the wrong day). */
  add(event: StatsEvent): void {
    if (utcDay(event.at) !== this.#day) throw new Error(`event ${event._id} at ${event.at.toISOString()} is not of ${this.#day}`);
    const tuple = encode(event, this.#start);
    if (!tuple) return;
    const sequenceId = event.sequenceId ?? undefined;
    const tuples = this.#bySequence.get(sequenceId) ?? [];
    tuples.push(tuple);
    this.#bySequence.set(sequenceId, tuples);
  }

  /** The parts' contents: per sequence (none last), at most `partEvents` events each. */
  *parts(partEvents = PART_EVENTS): Generator<{ sequenceId: string | undefined; events: string; count: number }> {
    const sequences = [...this.#bySequence.keys()].sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b)));
    for (const sequenceId of sequences) {
      const tuples = this.#bySequence.get(sequenceId) ?? [];
      for (let i = 0; i < tuples.length; i += partEvents) {
        const slice = tuples.slice(i, i + partEvents);
        yield { sequenceId, events: JSON.stringify(slice), count: slice.length };
      }
    }
  }
}

export type BuildResult = 'built' | 'lost';

/** Builds the next version of one day's summary from its events (see the consistency notes above). */
export async function buildStatsDay(db: SummaryCollections, day: string, now: Date): Promise<BuildResult> {
  const store = statsDayStore(db);
  const start = dayStart(day);
  const older = await store.versionsOf(day);
  const version = Math.max(0, ...older.map((h) => h.version)) + 1;
  const markers = await store.markersOf(day);
  const marked = new Set(markers.map((m) => m._id));
  const found = new Set<string>();

  const summary = new DaySummary(day);
  const events = eventStore(db).statsEvents({ type: STATS_EVENT_TYPES, from: new Date(start), to: new Date(start + DAY_MS) });
  for await (const event of events) {
    if (marked.has(event._id)) found.add(event._id);
    summary.add(event);
  }

  const build = randomUUID();
  const parts: StatsDayPartDoc[] = [];
  const listed: StatsDayDoc['parts'] = [];
  for (const { sequenceId, events: json, count } of summary.parts()) {
    const id = `${day}#${version}/${build}/${parts.length}`;
    parts.push({ _id: id, day, ...(sequenceId !== undefined && { sequenceId }), events: json });
    listed.push({ id, ...(sequenceId !== undefined && { sequenceId }), events: count });
  }
  await store.addParts(parts);
  const head: StatsDayDoc = {
    _id: `${day}#${version}`,
    day,
    version,
    parts: listed,
    builtAt: now,
  };
  if ((await store.addVersion(head)) === 'duplicate') {
    // Another build made this version: its parts are the day's, ours are nobody's.
    await store.removeParts(parts.map((p) => p._id));
    return 'lost';
  }

  // Our version is in: its events' markers may go, and so may the versions it supersedes (a read
  // holding one of those notices its missing parts and reads that day from the events).
  const expired = now.getTime() - MARKER_EXPIRY_MS;
  const done = markers.filter((m) => found.has(m._id) || m.queuedAt.getTime() < expired).map((m) => m._id);
  await store.removeMarkers(done);
  await store.removeParts(older.flatMap((h) => h.parts.map((p) => p.id)));
  await store.removeVersions(older.map((h) => h._id));
  return 'built';
}

export interface BuildDaysReport {
  built: number;
  lost: number;
  days: string[];
}

/**
 * Builds the summaries that are missing or stale: every closed day (ended SETTLE_MS ago) within
 * `horizonDays` that has none, and every closed day with a marker (an event since its summary).
 * Idempotent and safe to run in several workers at once.
 */
export async function buildStatsDays(
  db: SummaryCollections,
  options: { now: Date; horizonDays?: number; stopping?: AbortSignal | undefined },
): Promise<BuildDaysReport> {
  const { now } = options;
  const lastClosed = utcDay(new Date(now.getTime() - SETTLE_MS - DAY_MS));
  const first = utcDay(new Date(now.getTime() - (options.horizonDays ?? SUMMARY_HORIZON_DAYS) * DAY_MS));
  const store = statsDayStore(db);
  const have = new Set(await store.summarizedDays(first, lastClosed));
  const dirty = new Set(await store.markedDays({ last: lastClosed }));
  const days = new Set(dirty);
  for (let day = first; day <= lastClosed; day = nextDay(day)) if (!have.has(day)) days.add(day);
  const report: BuildDaysReport = { built: 0, lost: 0, days: [...days].sort() };
  for (const day of report.days) {
    // A stopping worker leaves the rest to the next run: each day is built whole or not at all.
    if (options.stopping?.aborted) break;
    if ((await buildStatsDay(db, day, now)) === 'built') report.built += 1;
    else report.lost += 1;
  }
  return report;
}

export const STATS_DAYS_JOB = 'stats-days';
/** How often the job looks for days to summarize: a late event's day is read from the events until then. */
export const STATS_DAYS_INTERVAL_MS = 15 * 60_000;

/** The worker's job that keeps the day summaries current: new closed days, and days an event came in late for. */
export function statsDaysJob(db: SummaryCollections, intervalMs: number, now: () => Date = () => new Date()): RecurringJob {
  return {
    name: STATS_DAYS_JOB,
    intervalMs,
    run: async (stopping) => {
      await buildStatsDays(db, { now: now(), stopping });
    },
  };
}

/** The summary of each day in [first, last] that a read may use: the latest version of a day without markers. */
export async function usableSummaries(
  store: Pick<StatsDayStore, 'markedDays' | 'versionsWithin'>,
  first: string,
  last: string,
): Promise<Map<string, StatsDayDoc>> {
  // Markers first, then heads: see the consistency notes above.
  const dirty = new Set(await store.markedDays({ first, last }));
  const latest = new Map<string, StatsDayDoc>();
  for (const head of await store.versionsWithin(first, last)) {
    if (dirty.has(head.day)) continue;
    const seen = latest.get(head.day);
    if (!seen || seen.version < head.version) latest.set(head.day, head);
  }
  return latest;
}
