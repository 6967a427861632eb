import { Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { describeError, isParleyError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { startWorker, type Worker } from '../worker.ts';

export function workerCommand(): Command {
  return new Command('worker')
    .description('send due steps and handle replies until stopped (SIGTERM or Ctrl-C); settings from the environment, see .env.example')
    .action(async () => {
      let logger = createLogger('info');
      let worker: Worker;
      let config: Config;
      // Listened for from the start: a SIGTERM while the worker is still starting (its analysis
      // threads warming up, say) stops it cleanly once it has started, rather than killing it.
      const signalled = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      try {
        config = loadConfig(process.env);
        logger = createLogger(config.logLevel);
        worker = await startWorker({ config, logger });
      } catch (error) {
        // One JSON line that a log collector keeps: the cause and the setting to fix (the message says which).
        // An expected failure's message says what to do; only an unexpected one needs its stack.
        if (isParleyError(error)) logger.fatal({ code: error.code }, error.message);
        else logger.fatal({ code: 'START_FAILED', err: error }, `the worker could not start: ${describeError(error)}`);
        process.exit(1);
      }
      const signal = await signalled;
      const timeoutMs = config.shutdownTimeoutMs;
      logger.info({ signal, timeoutMs }, 'shutting down');
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        worker.stop().then(
          () => 'stopped' as const,
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            return 'failed' as const;
          },
        ),
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        logger.error({ timeoutMs, stillRunning: worker.stillRunning() }, 'shutdown timed out (SHUTDOWN_TIMEOUT_MS); exiting anyway');
      }
      // Explicitly: library timers (Agenda's, see src/jobs/recurring.ts) would otherwise hold the
      // process open after a clean stop.
      process.exit(outcome === 'stopped' ? 0 : 1);
    });
}
