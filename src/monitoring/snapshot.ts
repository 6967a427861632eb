import type { EnrollmentStore, TaskStatus, TaskStore } from '../db/index.ts';

/** Task statuses that still want a person; `done` is left out (it only grows, and nobody waits on it). */
export const OPEN_TASK_STATUSES = ['open', 'claimed', 'answered', 'snoozed'] as const satisfies readonly TaskStatus[];
export type OpenTaskStatus = (typeof OPEN_TASK_STATUSES)[number];

/** What the scrape-time gauges show, read from MongoDB. */
export interface OperationalSnapshot {
  /** Active enrollments whose next step is due (nextStepAt <= now). */
  dueEnrollments: number;
  /** The oldest nextStepAt among them; undefined when nothing is due. */
  oldestDueAt: Date | undefined;
  /** Tasks not done yet, by status. */
  openTasks: Readonly<Record<OpenTaskStatus, number>>;
}

/** The store reads the snapshot makes: a narrow slice, so a unit test can hand in a few functions. */
export interface SnapshotSources {
  enrollments: Pick<EnrollmentStore, 'countDue' | 'oldestDue'>;
  tasks: Pick<TaskStore, 'countInStatus'>;
}

/**
 * Milliseconds one snapshot query may take before the server gives up: a scrape that waits on a
 * struggling database helps nobody, and Prometheus times out at 10 s by default.
 */
const QUERY_MAX_MS = 2_000;

/**
 * Six small queries, each answered from an index: `{status, nextStepAt}` on enrollments (a
 * range count and the first entry of the range), `{status, priority, createdAt}` on tasks (one
 * equality count per status).
 */
export async function readSnapshot(sources: SnapshotSources, now: Date): Promise<OperationalSnapshot> {
  const { enrollments, tasks } = sources;
  const bounded = { maxTimeMS: QUERY_MAX_MS };
  const [dueEnrollments, oldestDueAt, ...taskCounts] = await Promise.all([
    enrollments.countDue(now, bounded),
    enrollments.oldestDue(now, bounded),
    ...OPEN_TASK_STATUSES.map((status) => tasks.countInStatus(status, bounded)),
  ]);
  const openTasks = Object.fromEntries(OPEN_TASK_STATUSES.map((status, i) => [status, taskCounts[i] ?? 0])) as Record<
    OpenTaskStatus,
    number
  >;
  return { dueEnrollments, oldestDueAt, openTasks };
}

/**
 * Wraps a reader so that a scrape storm (several Prometheus servers, a dashboard refreshing, the
 * several gauges of one scrape) costs one read per `ttlMs`: callers within the window share the
 * last result, and concurrent callers share the read in flight.
 */
export function cached<T>(read: () => Promise<T>, ttlMs: number, clock: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = clock();
    if (!last || now - last.at >= ttlMs) last = { at: now, value: read() };
    return last.value;
  };
}
