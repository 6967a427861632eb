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
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      logger.info('shutting down');
      await worker.stop();
    });
}
