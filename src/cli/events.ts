import { Command } from 'commander';
import { importEvents } from '../events/index.ts';
import { printProblems } from './contacts.ts';
import { withDatabase } from './database.ts';

export function eventsCommand(): Command {
  const events = new Command('events').description('behaviour events: what contacts did (page visits, sign-ups, logins, ...)');
  events
    .command('import')
    .description(
      'record events from a JSON-lines file ({"id","email","type","at","props"}) or a CSV (id,email,type,at + property columns); safe to run again',
    )
    .argument('<file>', 'a .jsonl or .csv file')
    .action(async (file: string) => {
      await withDatabase(async (db) => {
        const report = await importEvents(db, file, {
          onProgress: (rows) => process.stderr.isTTY && process.stderr.write(`\r${rows} rows`),
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.log(`${file}: ${report.recorded} recorded, ${report.duplicates} already there, ${report.rejected.length} rejected`);
        console.log("Segments take the new events into account at the worker's next pass (or run `parley segments refresh`).");
        printProblems(report.rejected, file, 'rows');
      });
    });
  return events;
}
