import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { loadSequences } from '../sequences/index.ts';
import { outlineOf, readStats, resolvePeriod, DEFAULT_PERIOD_DAYS } from '../stats/index.ts';
import { withDatabase } from './database.ts';
import { formatStatsReport } from './stats-table.ts';

interface StatsOptions {
  sequence?: string;
  from?: string;
  to?: string;
  days?: string;
  json?: boolean;
}

export function statsCommand(): Command {
  return new Command('stats')
    .description('what works: per sequence and step, delivered, replies, positive replies, qualified, opt-outs, completion, response times')
    .option('--sequence <id>', 'only this sequence')
    .option('--from <date>', 'start of the period: YYYY-MM-DD (UTC) or a date-time with its zone')
    .option('--to <date>', 'end of the period: YYYY-MM-DD includes that day; a date-time is exclusive (default: now)')
    .option('--days <n>', `the period's length in days, ending at --to (default ${DEFAULT_PERIOD_DAYS}); instead of --from`)
    .option('--json', 'the whole report as JSON')
    .action(async (options: StatsOptions) => {
      const config = loadConfig(process.env);
      const resolved = resolvePeriod(options, new Date());
      if (!resolved.ok) throw new ParleyError(ErrorCodes.STATS_PERIOD_INVALID, resolved.message);
      // A broken file's steps still show, from its events, after the file's own (none).
      const { sequences } = await loadSequences(config.sequencesDir);
      const report = await withDatabase((db) =>
        readStats(db, { period: resolved.period, sequences: [...sequences.values()].map(outlineOf), sequenceId: options.sequence }),
      );
      if (options.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      console.log(formatStatsReport(report, new Set(sequences.keys())));
    });
}
