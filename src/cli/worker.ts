import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startWorker } from '../worker.ts';

export function workerCommand(): Command {
  return new Command('worker')
    .description('send due steps and handle replies until stopped (SIGTERM or Ctrl-C); settings from the environment, see .env.example')
    .action(async () => {
      const config = loadConfig(process.env);
      const logger = createLogger(config.logLevel);
      const worker = await startWorker({ config, logger });
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
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
