import { Command, InvalidArgumentError } from 'commander';
import ms from 'ms';
import { readContactsCsv, simulateSequence, type ReplyScenario } from '../preview/index.ts';
import { loadNamedSequence } from './load-sequence.ts';
import { parseStart } from './preview.ts';

/** `<contact|*>:<step id or number>:<reply text>[@<delay like 2h>]` */
function parseScenario(text: string, all: ReplyScenario[]): ReplyScenario[] {
  const match = /^([^:]+):([^:]+):(.+?)(?:@(\d+\s*[a-z]+))?$/is.exec(text);
  if (!match)
    throw new InvalidArgumentError(
      `--reply "${text}": write it as <email or *>:<step>:<reply text>[@<delay>], e.g. "*:1:Out of office until Monday@3h"`,
    );
  const [, contact = '*', afterStep = '', replyText = '', delay] = match;
  const delayMs = delay === undefined ? undefined : ms(delay as ms.StringValue);
  return [
    ...all,
    { contact: contact.trim(), afterStep: afterStep.trim(), text: replyText.trim(), ...(delayMs !== undefined && { delayMs }) },
  ];
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('play a sequence on a virtual clock for a list of contacts: which step when, what is skipped and why, and what replies do')
    .argument('<sequence>', 'the sequence id')
    .requiredOption('--contacts <csv>', 'CSV with a header row: email, first_name, last_name, company, time_zone, owner, custom fields')
    .option('--reply <scenario>', 'a reply scenario, repeatable: "<email or *>:<step>:<text>[@<delay>]"', parseScenario, [])
    .option('--start <iso-date>', 'when the contacts are enrolled (default: now)', parseStart)
    .option('--dir <folder>', 'the sequences folder', process.env.SEQUENCES_DIR ?? 'sequences')
    .action(async (id: string, options: { contacts: string; reply: ReplyScenario[]; start?: Date; dir: string }) => {
      const { sequence, all } = await loadNamedSequence(options.dir, id);
      const contacts = await readContactsCsv(options.contacts);
      const start = options.start ?? new Date();
      const timelines = await simulateSequence(sequence, contacts, options.reply, { start, getSequence: (s) => all.get(s) });
      console.log(`${sequence.name}: ${contacts.length} contacts from ${start.toISOString()}, ${options.reply.length} reply scenario(s)\n`);
      for (const [email, events] of timelines) {
        console.log(email);
        for (const e of events) console.log(`  ${e.localTime.padEnd(44)} ${e.kind.padEnd(8)} ${(e.stepId ?? '').padEnd(16)} ${e.detail}`);
        console.log('');
      }
    });
}
