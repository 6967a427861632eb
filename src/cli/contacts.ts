import { Command } from 'commander';
import { importContacts } from '../contacts/index.ts';
import { contactTimelineCommand } from './contact-timeline.ts';
import { withDatabase } from './database.ts';
import { progressBar } from './progress.ts';

/** Rows with problems printed in full; the rest are counted. */
const SHOWN_PROBLEMS = 50;

export function printProblems(problems: ReadonlyArray<{ line: number; reason: string }>, file: string, what: string): void {
  for (const p of problems.slice(0, SHOWN_PROBLEMS)) console.error(`${file}:${p.line}: ${p.reason}`);
  if (problems.length > SHOWN_PROBLEMS) console.error(`... and ${problems.length - SHOWN_PROBLEMS} more ${what} with problems`);
  if (problems.length > 0) process.exitCode = 1;
}

export function contactsCommand(): Command {
  const contacts = new Command('contacts').description('the people Parley writes to');
  contacts
    .command('import')
    .description(
      'create or update contacts from a CSV (header row) or JSON-lines file; columns email, first_name, last_name, company, time_zone, owner, and any custom field',
    )
    .argument('<file>', 'a .csv or .jsonl file')
    .action(async (file: string) => {
      await withDatabase(async (db) => {
        let bar: ReturnType<typeof progressBar> | undefined;
        const report = await importContacts(db, file, {
          onProgress: ({ bytesRead, bytesTotal }) => {
            bar ??= progressBar(bytesTotal, 'bytes');
            bar.update(bytesRead);
          },
        });
        bar?.stop();
        console.log(`${file}: ${report.created} created, ${report.updated} updated, ${report.invalid.length} invalid`);
        printProblems(report.invalid, file, 'rows');
      });
    });
  contacts.addCommand(contactTimelineCommand());
  return contacts;
}
