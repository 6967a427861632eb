import { Command, Option } from 'commander';
import type { Database } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import {
  LIFT_NOTE,
  liftSuppression,
  listSuppressions,
  recentLifts,
  recentUnmatchedMail,
  suppressionEvidence,
  suppressionWhy,
  unmatchedReport,
} from '../optout/index.ts';
import { getRep } from '../reps/index.ts';
import { withDatabase } from './database.ts';

const REASONS = ['unsubscribe', 'bounce'] as const;

/** Flattens control characters but the tab between columns: a bounce's text comes from strangers and must not move the terminal's cursor. */
const oneLine = (text: string) => text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]+/g, ' ');

async function adminFor(db: Database, email: string) {
  const rep = await getRep(db, email);
  if (!rep)
    throw new ParleyError(
      ErrorCodes.REP_NOT_FOUND,
      `No rep ${email}; see \`parley reps list\` or add one with \`parley reps add --admin\`.`,
    );
  return rep;
}

const parseLimit = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ParleyError(ErrorCodes.CONFIG_INVALID, `--limit takes a whole number from 1, not "${value}".`);
  return n;
};

export function suppressionsCommand(): Command {
  const suppressions = new Command('suppressions').description('who Parley never writes to, why, and lifting it (admins)');
  suppressions
    .command('list')
    .description('suppressed contacts, newest first: who, why, when, and the evidence')
    .addOption(new Option('--reason <reason>', 'only this reason').choices(REASONS))
    .option('--lifted', 'include lifted suppressions')
    .option('--limit <n>', 'entries per page (at most 200)', parseLimit, 50)
    .option('--before <cursor>', 'the next page: the cursor the previous page printed')
    .option('--json', 'print JSON')
    .action(async (options: { reason?: (typeof REASONS)[number]; lifted?: boolean; limit: number; before?: string; json?: boolean }) => {
      const page = await withDatabase((db) =>
        listSuppressions(db, {
          reason: options.reason,
          includeLifted: options.lifted ?? false,
          before: options.before,
          limit: options.limit,
        }),
      );
      if (options.json) {
        console.log(JSON.stringify(page, null, 2));
        return;
      }
      if (page.entries.length === 0) console.log('No suppressions.');
      for (const entry of page.entries) {
        const lifted = entry.lifted ? `\tLIFTED ${entry.lifted.at.toISOString()} by ${entry.lifted.by}` : '';
        console.log(oneLine(`${entry.email}\t${suppressionWhy(entry)}\t${entry.at.toISOString()}\t${suppressionEvidence(entry)}${lifted}`));
      }
      if (page.next) console.log(`More: --before '${page.next}'`);
    });
  suppressions
    .command('lift')
    .description('lift a suppression (admins): the contact can be enrolled again; stopped enrollments stay stopped')
    .argument('<email>', "the contact's address")
    .requiredOption('--reason <text>', 'why, for the audit trail')
    .requiredOption('--as <email>', 'the admin lifting it')
    .action(async (email: string, options: { reason: string; as: string }) => {
      const result = await withDatabase(async (db) =>
        liftSuppression(db, { email, by: await adminFor(db, options.as), reason: options.reason, now: new Date() }),
      );
      if (result.kind === 'refused') throw new ParleyError(ErrorCodes.SUPPRESSION_LIFT_REFUSED, `${result.message} [${result.code}]`);
      const { audit } = result;
      console.log(
        result.kind === 'lifted'
          ? `${audit.email}: suppression lifted (was ${suppressionWhy(audit.prior.suppressed)} since ${audit.prior.suppressed.at.toISOString()}); audit entry ${audit._id}`
          : `${audit.email}: already lifted by ${audit.by} at ${audit.at.toISOString()} ("${oneLine(audit.reason)}"); audit entry ${audit._id}`,
      );
      console.log(LIFT_NOTE);
    });
  suppressions
    .command('audit')
    .description('the newest lifts: who lifted which suppression, when and why')
    .option('--limit <n>', 'entries (at most 200)', parseLimit, 50)
    .option('--json', 'print JSON')
    .action(async (options: { limit: number; json?: boolean }) => {
      const entries = await withDatabase((db) => recentLifts(db, options.limit));
      if (options.json) {
        console.log(JSON.stringify(entries, null, 2));
        return;
      }
      if (entries.length === 0) console.log('No lifts yet.');
      for (const a of entries)
        console.log(
          oneLine(
            `${a.at.toISOString()}\t${a.by}\tlift\t${a.email}\twas ${suppressionWhy(a.prior.suppressed)} since ${a.prior.suppressed.at.toISOString()}\t"${a.reason}"`,
          ),
        );
    });
  suppressions
    .command('unmatched')
    .description(
      'the newest mail that matched no conversation (delivery reports citing no message Parley sent among it): recorded, changed nothing',
    )
    .option('--limit <n>', 'messages (at most 200)', parseLimit, 20)
    .option('--json', 'print JSON')
    .action(async (options: { limit: number; json?: boolean }) => {
      const replies = await withDatabase((db) => recentUnmatchedMail(db, options.limit));
      if (options.json) {
        const shown = replies.map((r) => ({
          id: r._id,
          receivedAt: r.receivedAt,
          from: r.from,
          subject: r.subject,
          intent: r.intent,
          bounce: r.analysis?.bounce,
        }));
        console.log(JSON.stringify(shown, null, 2));
        return;
      }
      if (replies.length === 0) console.log('No unmatched mail.');
      for (const r of replies)
        console.log(oneLine(`${r.receivedAt.toISOString()}\t${r.from}\t${r.subject}\t${r.intent ?? ''}\t${unmatchedReport(r)}`));
    });
  return suppressions;
}
