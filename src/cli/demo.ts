import { Command } from 'commander';
import { runDemo } from '../demo/index.ts';
import { createLogger } from '../logger.ts';

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'run the whole loop on embedded servers (FerretDB unless MONGODB_URL is set, Dovecot, an SMTP sink) and print what happened',
    )
    .action(async () => {
      // Quiet by default: the demo prints its own story; LOG_LEVEL=info shows the worker's logs.
      const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr);
      await runDemo(process.env, logger, (line) => console.log(line));
    });
}
