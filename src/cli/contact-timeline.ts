import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { contactTimeline, conversationLine, type TimelineEntry } from '../conversations/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { withDatabase } from './database.ts';
import { CLI_OPERATOR as OPERATOR, terminalSafe } from './terminal.ts';

/** Characters of a mail's text shown on its line without --full. */
const EXCERPT = 100;

function entryLines(entry: TimelineEntry, full: boolean): string[] {
  const head = `${entry.at.toISOString()}  ${entry.kind.padEnd(14)}  ${(entry.sequenceId ?? '-').padEnd(16)}  ${terminalSafe(entry.title)}`;
  const lines = [head];
  if (entry.detail) lines.push(`    ${terminalSafe(entry.detail)}`);
  if (entry.mail) {
    lines.push(`    from ${terminalSafe(entry.mail.from)}: "${terminalSafe(entry.mail.subject)}"`);
    const text = entry.mail.text.trim();
    if (full)
      lines.push(
        ...terminalSafe(text, true)
          .split('\n')
          .map((l) => `    | ${l}`),
      );
    else if (text) lines.push(`    | ${terminalSafe(text.replace(/\s+/g, ' ').slice(0, EXCERPT))}${text.length > EXCERPT ? '…' : ''}`);
  }
  return lines;
}

export function contactTimelineCommand(): Command {
  return new Command('timeline')
    .description(
      'one contact, in time order: every email sent, reply received (with intent), rep answer, task, enrollment change and event',
    )
    .argument('<email>', "the contact's address")
    .option('--full', 'print every email text in full')
    .option('--json', 'print the timeline as JSON')
    .action(async (email: string, options: { full?: boolean; json?: boolean }) => {
      const config = loadConfig(process.env);
      await withDatabase(async (db) => {
        const timeline = await contactTimeline(db, email, OPERATOR, {
          now: new Date(),
          conversationWaitMs: config.sending.conversationWaitMs,
        });
        if (!timeline)
          throw new ParleyError(
            ErrorCodes.CONTACT_NOT_FOUND,
            `No contact ${email}; check the address, or import it with \`parley contacts import\`.`,
          );
        if (options.json) {
          console.log(
            JSON.stringify({ email: timeline.contact.email, conversation: timeline.conversation, entries: timeline.entries }, null, 2),
          );
          return;
        }
        console.log(`${timeline.contact.email}: ${timeline.entries.length} entries`);
        console.log(conversationLine(timeline.conversation));
        for (const entry of timeline.entries) console.log(entryLines(entry, options.full === true).join('\n'));
      });
    });
}
