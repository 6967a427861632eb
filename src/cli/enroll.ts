import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { connectDatabase } from '../db/index.ts';
import { enrollContacts } from '../enrollments/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { describeLintFindings, lintVerdict, poolProblems, SequenceInvalidError, type Sequence } from '../sequences/index.ts';
import { confirmInTerminal } from './confirm.ts';
import { loadNamedSequence } from './load-sequence.ts';

export function enrollCommand(): Command {
  return new Command('enroll')
    .description('enroll contacts in a sequence (its first step goes out when due)')
    .argument('<sequence>', 'the sequence id, as written in its file in SEQUENCES_DIR')
    .argument('<emails...>', 'one or more email addresses')
    .option('--first-name <name>', 'first name for the templates (applies to every address given)')
    .option('--company <company>', 'company for the templates (applies to every address given)')
    .option('--force', "enroll although the sequence has lint warnings (errors can't be forced)")
    .action(async (sequenceId: string, emails: string[], options: { firstName?: string; company?: string; force?: boolean }) => {
      const config = loadConfig(process.env);
      if (!config.mongo.url)
        throw new ParleyError(ErrorCodes.CONFIG_INVALID, 'MONGODB_URL is not set: point it at the database the worker uses.');
      const { sequence } = await loadNamedSequence(config.sequencesDir, sequenceId);
      if (!sequence.audience.manual) {
        throw new ParleyError(
          ErrorCodes.SEQUENCE_NOT_MANUAL,
          `Sequence "${sequence.id}" takes its contacts from segment "${sequence.audience.segment}" (audience.manual: false in ${sequence.file}); send the events that put them in the segment, or set manual: true.`,
        );
      }
      await requireLintClean(sequence, options.force === true);
      // A pool naming a mailbox the worker has no settings for would never send: as the worker refuses it, so does enroll.
      const unknown = poolProblems(sequence, config.mailboxes.length > 0 ? new Set(config.mailboxes.map((m) => m.address)) : undefined);
      if (unknown.length > 0) throw new SequenceInvalidError(unknown);
      const db = await connectDatabase(config.mongo.url, config.mongo.database, { timeoutMs: config.mongo.connectTimeoutMs });
      try {
        const contacts = emails.map((email) => ({ email, firstName: options.firstName, company: options.company }));
        for (const outcome of await enrollContacts(db, sequence, contacts)) {
          const detail =
            outcome.outcome === 'enrolled'
              ? `first step due ${outcome.firstStepAt.toISOString()}`
              : outcome.outcome === 'suppressed'
                ? `suppressed (${outcome.reason}): not enrolled`
                : 'already enrolled';
          console.log(`${outcome.email}: ${outcome.outcome.replace('_', ' ')}, ${detail}`);
        }
      } finally {
        await db.close();
      }
    });
}

/**
 * Errors block enrollment, whatever the flags; warnings are printed and need --force (or a yes in a
 * terminal): a contact who got a broken email can't be un-sent one.
 */
async function requireLintClean(sequence: Sequence, force: boolean): Promise<void> {
  const { errors, warnings } = lintVerdict(sequence);
  if (errors.length > 0) {
    throw new ParleyError(
      ErrorCodes.SEQUENCE_LINT_ERRORS,
      `Sequence "${sequence.id}" has ${errors.length} lint error(s); fix them before enrolling anyone (--force does not override errors):\n${describeLintFindings(errors)}`,
    );
  }
  if (warnings.length === 0) return;
  console.error(`Sequence "${sequence.id}" has ${warnings.length} lint warning(s):\n${describeLintFindings(warnings)}`);
  if (force || (await confirmInTerminal('Enroll anyway?'))) return;
  throw new ParleyError(
    ErrorCodes.SEQUENCE_LINT_WARNINGS,
    `Not enrolled: sequence "${sequence.id}" has lint warnings (above). Fix them, or run again with --force to accept them.`,
  );
}
