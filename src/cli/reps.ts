import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { withDatabase } from './database.ts';
import { addRep, listReps, MIN_PASSWORD_LENGTH } from '../reps/index.ts';

/** Reads a password without echoing it. Never from an argument: arguments show in `ps` and shell history. */
async function readPassword(prompt: string): Promise<string> {
  const fromEnv = process.env.PARLEY_REP_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new ParleyError(
      ErrorCodes.REP_INVALID,
      `No password: set PARLEY_REP_PASSWORD (at least ${MIN_PASSWORD_LENGTH} characters) or run the command in a terminal to be asked.`,
    );
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  process.stdout.write(prompt);
  muted = true;
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}

export function repsCommand(): Command {
  const reps = new Command('reps').description('the people who answer tasks');
  reps
    .command('add')
    .description('add a rep (password from PARLEY_REP_PASSWORD, or asked for in a terminal)')
    .argument('<email>', "the rep's address; also their login")
    .requiredOption('--name <name>', 'the name their answers are signed with')
    .option('--admin', 'sees and may act on every task')
    .option('--lead', 'receives escalations of overdue tasks')
    .action(async (email: string, options: { name: string; admin?: boolean; lead?: boolean }) => {
      const password = await readPassword(`Password for ${email} (at least ${MIN_PASSWORD_LENGTH} characters): `);
      const rep = await withDatabase((db) =>
        addRep(db, { email, name: options.name, role: options.admin ? 'admin' : 'rep', password, lead: options.lead ?? false }),
      );
      console.log(`${rep._id}: added as ${rep.role}${rep.lead ? ', lead' : ''}, on duty`);
    });
  reps
    .command('list')
    .description('list reps')
    .action(async () => {
      const all = await withDatabase((db) => listReps(db));
      if (all.length === 0) console.log('No reps yet; add one with `parley reps add <email> --name <name>`.');
      for (const rep of all)
        console.log(`${rep._id}\t${rep.name}\t${rep.role}${rep.lead ? ', lead' : ''}\t${rep.onDuty ? 'on duty' : 'off duty'}`);
    });
  return reps;
}
