import { Command, InvalidArgumentError } from 'commander';
import { contactFromArgument, previewSequence } from '../preview/index.ts';
import { loadNamedSequence } from './load-sequence.ts';

export function previewCommand(): Command {
  return new Command('preview')
    .description('show every step of a sequence exactly as one contact gets it: headers, text and local send time')
    .argument('<sequence>', 'the sequence id')
    .requiredOption(
      '--contact <email-or-json>',
      'an address, or JSON like {"email":"ada@example.com","first_name":"Ada","time_zone":"Europe/Berlin"}',
    )
    .option('--start <iso-date>', 'when the contact is enrolled (default: now)', parseStart)
    .option('--dir <folder>', 'the sequences folder', process.env.SEQUENCES_DIR ?? 'sequences')
    .option('--html', 'also print the HTML alternative, when the sequence has one')
    .action(async (id: string, options: { contact: string; start?: Date; dir: string; html?: boolean }) => {
      const { sequence } = await loadNamedSequence(options.dir, id);
      const contact = contactFromArgument(options.contact);
      const enrolledAt = options.start ?? new Date();
      const steps = await previewSequence(sequence, contact, {
        enrolledAt,
        messageIdDomain: process.env.MESSAGE_ID_DOMAIN || undefined,
      });
      console.log(`${sequence.name} (${sequence.file}) for ${contact.email}, enrolled ${enrolledAt.toISOString()}\n`);
      for (const [i, step] of steps.entries()) {
        console.log(`── step ${i + 1} "${step.stepId}" ── ${step.localTime}`);
        if (step.kind === 'skipped') {
          console.log(`SKIPPED for this contact: ${step.reason}\n`);
          continue;
        }
        const shares = step.variants?.find((v) => v.variantId === 'a');
        if (shares) console.log(`A/B variant a (weight ${shares.weight} of ${shares.totalWeight}); the other variants follow`);
        for (const [name, value] of step.headers) console.log(`${name}: ${value}`);
        console.log(`\n${step.text}\n`);
        if (options.html && step.html) console.log(`[HTML alternative]\n${step.html}\n`);
        for (const v of step.variants ?? []) {
          if (v.variantId === 'a') continue; // the text above
          console.log(`── step ${i + 1} "${step.stepId}", A/B variant ${v.variantId} (weight ${v.weight} of ${v.totalWeight}) ──`);
          console.log(`Subject: ${v.subject}\n\n${v.text}\n`);
        }
      }
    });
}

export function parseStart(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(`--start "${text}" is not a date; use ISO 8601 like 2026-03-02T09:00:00Z`);
  return date;
}
