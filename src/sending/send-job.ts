import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { NO_SEND_METRICS, secondsSince, type SendMetrics } from '../monitoring/index.ts';
import type { StepSender } from './step-sender.ts';

export const SEND_JOB = 'send-due-steps';

export interface SendScheduler {
  stop(): Promise<void>;
}

/**
 * One recurring Agenda job claims due steps from Parley's own collections, rather than one Agenda
 * job per email: thousands of one-off jobs scale poorly (STACK-NOTES). Agenda's lock is not atomic
 * on FerretDB, so the job may run twice at once; StepSender's insert-based claim makes that safe.
 */
export async function startSendScheduler(options: {
  db: Db;
  sender: StepSender;
  intervalMs: number;
  /** Milliseconds Agenda lets one run hold its lock; one run sends at most a batch. */
  lockLifetimeMs: number;
  logger: Logger;
  /** Where each run's duration and failures are counted (the worker's /metrics); nothing by default. */
  metrics?: SendMetrics | undefined;
}): Promise<SendScheduler> {
  const metrics = options.metrics ?? NO_SEND_METRICS;
  const log = options.logger.child({ component: 'send-scheduler' });
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: options.db, collection: 'agenda_jobs' }),
    processEvery: options.intervalMs,
    maxConcurrency: 2,
    defaultConcurrency: 1,
    // Without a limit one process locks every due job and strands them if it dies (STACK-NOTES).
    lockLimit: 2,
    defaultLockLifetime: options.lockLifetimeMs,
  });
  agenda.on('error', (error: unknown) => log.error({ err: describeError(error) }, 'agenda error'));
  // agenda.stop() does not wait for running jobs (STACK-NOTES); track them to finish before closing.
  const running = new Set<Promise<void>>();
  agenda.define(SEND_JOB, async () => {
    const started = performance.now();
    const run = options.sender.runOnce().then(
      (result) => {
        metrics.sendRunFinished(secondsSince(started), false);
        if (result.sent + result.failed > 0) log.info(result, 'send run finished');
      },
      (error: unknown) => {
        // Agenda records the failure on the job document but logs nothing: say it here, and let
        // Agenda have the error too.
        metrics.sendRunFinished(secondsSince(started), true);
        log.error({ err: describeError(error) }, 'send run failed');
        throw error;
      },
    );
    running.add(run);
    try {
      await run;
    } finally {
      running.delete(run);
    }
  });
  await agenda.start();
  await agenda.every(options.intervalMs, SEND_JOB);
  return {
    async stop() {
      await agenda.stop();
      await Promise.allSettled([...running]);
    },
  };
}
