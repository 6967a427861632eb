import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { connectDatabase } from '../db/index.ts';
import { enrollContacts } from '../enrollments/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { loadNamedSequence } from './load-sequence.ts';

export function enrollCommand(): Command {
  return new Command('enroll')
    .description('enroll contacts in a sequence (its first step goes out when due)')
    .argument('<sequence>', 'the sequence id, as written in its file in SEQUENCES_DIR')
    .argument('<emails...>', 'one or more email addresses')
    .option('--first-name <name>', 'first name for the templates (applies to every address given)')
    .option('--company <company>', 'company for the templates (applies to every address given)')
    .action(async (sequenceId: string, emails: string[], options: { firstName?: string; company?: string }) => {
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
