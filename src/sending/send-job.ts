import type { RecurringJob } from '../jobs/index.ts';
import type { Logger } from '../logger.ts';
import { NO_SEND_METRICS, secondsSince, type SendMetrics } from '../monitoring/index.ts';
import type { StepSender } from './step-sender.ts';

export const SEND_JOB = 'send-due-steps';

/**
 * One recurring job claims due steps from Parley's own collections, rather than one Agenda job per
 * email: thousands of one-off jobs scale poorly (STACK-NOTES). Agenda's lock is not atomic on
 * FerretDB, so the job may run twice at once; StepSender's insert-based claim makes that safe.
 */
export function sendDueStepsJob(options: {
  sender: StepSender;
  intervalMs: number;
  logger: Logger;
  /** Where each run's duration and failures are counted (the worker's /metrics); nothing by default. */
  metrics?: SendMetrics | undefined;
}): RecurringJob {
  const metrics = options.metrics ?? NO_SEND_METRICS;
  const log = options.logger.child({ component: 'send-scheduler' });
  return {
    name: SEND_JOB,
    intervalMs: options.intervalMs,
    // Two overlapping runs in one process: a slow batch doesn't hold up the next due steps.
    concurrency: 2,
    async run(stopping) {
      const started = performance.now();
      try {
        const result = await options.sender.runOnce(stopping);
        metrics.sendRunFinished(secondsSince(started), false);
        if (result.sent + result.failed > 0) log.info(result, 'send run finished');
      } catch (error) {
        // Agenda records the failure on the job document but logs nothing: say it here, and let
        // Agenda have the error too.
        metrics.sendRunFinished(secondsSince(started), true);
        log.error({ err: error }, 'send run failed');
        throw error;
      }
    },
  };
}
