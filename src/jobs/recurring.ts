import { Agenda, type JobRepository } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Database } from '../db/index.ts';
import type { Logger } from '../logger.ts';

/** One recurring job the workers share through Agenda. */
export interface RecurringJob {
  name: string;
  /** Milliseconds between runs. */
  intervalMs: number;
  /** Runs of this job one process may hold at once (default 1). */
  concurrency?: number;
  /** One run. `stopping` is aborted when the worker stops: a long run ends between two pieces of work. */
  run: (stopping: AbortSignal) => Promise<void>;
}

export interface RecurringJobs {
  /** Stops taking runs and waits for the running ones (Agenda's stop() does not: STACK-NOTES). */
  stop(): Promise<void>;
  /** Names of the jobs running in this process now (what a stop is waiting for). */
  running(): string[];
}

/**
 * How long Agenda's lock on a run lasts, in milliseconds; a running job renews it every third of
 * that. Short, because Agenda leaves a timer of half of it pending after every run (its
 * checkIfJobIsStillAlive), which holds a stopping process open, and because a dead worker's job
 * is taken over when it runs out. Agenda's lock is never Parley's guard against doing work twice.
 */
const LOCK_LIFETIME_MS = 10_000;

/**
 * Parley's periodic work (sending due steps, refreshing segments) as recurring Agenda jobs on one
 * Agenda instance. Each job claims its work from Parley's own collections, so Agenda's lock, which
 * is not atomic on FerretDB (STACK-NOTES), is never the guard: a run twice at once is safe.
 */
export async function startRecurringJobs(options: {
  db: Database['db'];
  jobs: readonly RecurringJob[];
  logger: Logger;
}): Promise<RecurringJobs> {
  const log = options.logger.child({ component: 'jobs' });
  const total = options.jobs.reduce((n, j) => n + (j.concurrency ?? 1), 0);
  const backend = new MongoBackend({ mongo: options.db, collection: 'agenda_jobs' });
  tolerateFailedUnlocks(backend.repository, log);
  const agenda = new Agenda({
    backend,
    processEvery: Math.min(...options.jobs.map((j) => j.intervalMs), 60_000),
    maxConcurrency: total,
    defaultConcurrency: 1,
    // Without a limit one process locks every due job and strands them if it dies (STACK-NOTES).
    lockLimit: total,
  });
  agenda.on('error', (error: unknown) => log.error({ err: error }, 'agenda error'));
  const running = new Map<Promise<void>, string>();
  const stopping = new AbortController();
  for (const job of options.jobs) {
    const concurrency = job.concurrency ?? 1;
    agenda.define(
      job.name,
      async (agendaJob) => {
        const renew = setInterval(() => {
          agendaJob.touch().catch((error: unknown) => log.warn({ job: job.name, err: error }, 'could not renew the job lock'));
        }, LOCK_LIFETIME_MS / 3);
        const run = job.run(stopping.signal);
        running.set(run, job.name);
        try {
          await run;
        } finally {
          clearInterval(renew);
          running.delete(run);
        }
      },
      { concurrency, lockLimit: concurrency, lockLifetime: LOCK_LIFETIME_MS },
    );
  }
  await agenda.start();
  for (const job of options.jobs) await agenda.every(job.intervalMs, job.name);
  return {
    async stop() {
      // Running sends stop before their next step, not after the whole batch (slow on a slow database).
      stopping.abort();
      await agenda.stop();
      await Promise.allSettled([...running.keys()]);
    },
    running: () => [...running.values()],
  };
}

/**
 * Agenda 6.2.6 calls `unlockJob` without awaiting it (JobProcessor: a job locked past its lock
 * limit, or locked through an expired lock while its next run is far off). If the database is down
 * at that moment the rejection is unhandled and Node ends the worker, which a supervisor then
 * restarts into the same outage (issue 7). An unlock is only a courtesy, since the lock runs out
 * after LOCK_LIFETIME_MS anyway, so a failed one is logged and dropped.
 */
function tolerateFailedUnlocks(repository: JobRepository, log: Logger): void {
  const unlock = repository.unlockJob.bind(repository);
  repository.unlockJob = async (job) => {
    try {
      await unlock(job);
    } catch (error) {
      log.warn({ job: job.name, err: error }, 'could not unlock a job; its lock runs out on its own');
    }
  };
}
