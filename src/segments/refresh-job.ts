import type { RecurringJob } from '../jobs/index.ts';
import type { SegmentUpdater } from './updater.ts';

export const REFRESH_JOB = 'refresh-segments';

/**
 * The periodic full refresh, shared by all workers. Two workers may refresh at once (Agenda's lock
 * is not atomic on FerretDB); the insert-guarded membership changes make that harmless.
 */
export function segmentRefreshJob(updater: SegmentUpdater, intervalMs: number): RecurringJob {
  return {
    name: REFRESH_JOB,
    intervalMs,
    run: async (stopping) => {
      await updater.refreshAll(stopping);
    },
  };
}
