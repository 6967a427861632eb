import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { SegmentUpdater } from './updater.ts';

export const REFRESH_JOB = 'refresh-segments';

/**
 * The periodic full refresh as one recurring Agenda job, shared by all workers. Agenda's lock is
 * not atomic on FerretDB (STACK-NOTES), so two workers may refresh at once; the insert-guarded
 * membership changes make that harmless.
 */
export async function startSegmentRefreshJob(options: { db: Db; updater: SegmentUpdater; intervalMs: number; logger: Logger }): Promise<{ stop(): Promise<void> }> {
  const log = options.logger.child({ component: 'segment-refresh' });
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: options.db, collection: 'agenda_jobs' }),
    processEvery: Math.min(options.intervalMs, 60_000),
    maxConcurrency: 1,
    defaultConcurrency: 1,
    lockLimit: 1,
    // A refresh of 100,000 contacts takes minutes on FerretDB; the lock outlives it.
    defaultLockLifetime: Math.max(options.intervalMs, 10 * 60_000),
  });
  agenda.on('error', (error: unknown) => log.error({ err: describeError(error) }, 'agenda error'));
  const running = new Set<Promise<unknown>>();
  agenda.define(REFRESH_JOB, async () => {
    const run = options.updater.refreshAll();
    running.add(run);
    try {
      await run;
    } finally {
      running.delete(run);
    }
  });
  await agenda.start();
  await agenda.every(options.intervalMs, REFRESH_JOB);
  return {
    async stop() {
      await agenda.stop();
      await Promise.allSettled([...running]);
    },
  };
}
