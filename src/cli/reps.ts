import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { withDatabase } from './database.ts';
import { addRep, listReps, MIN_PASSWORD_LENGTH, oneTimePassword, removeRep, resetRepPassword, setOnDuty } from '../reps/index.ts';

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
  for (const [name, onDuty] of [
    ['off-duty', false],
    ['on-duty', true],
  ] as const) {
    reps
      .command(name)
      .description(onDuty ? 'take new tasks and escalations again' : 'no new tasks by round-robin or ownership, no escalations')
      .argument('<email>')
      .action(async (email: string) => {
        await withDatabase((db) => setOnDuty(db, email, onDuty));
        console.log(`${email.trim().toLowerCase()}: ${onDuty ? 'on duty' : 'off duty'}`);
      });
  }
  reps
    .command('remove')
    .description('remove a rep: their open and claimed tasks go back to the pool, their sessions end')
    .argument('<email>')
    .action(async (email: string) => {
      const returned = await withDatabase((db) => removeRep(db, email, 'cli'));
      console.log(`${email.trim().toLowerCase()}: removed; ${returned.length} task(s) back in the pool`);
    });
  reps
    .command('reset-password')
    .description('set a new password (PARLEY_REP_PASSWORD, or a one-time one printed here) and end their sessions')
    .argument('<email>')
    .action(async (email: string) => {
      // Printed once and never logged: the admin hands it over; the rep should change it.
      const given = process.env.PARLEY_REP_PASSWORD;
      const password = given || oneTimePassword();
      await withDatabase((db) => resetRepPassword(db, email, password));
      console.log(`${email.trim().toLowerCase()}: password reset, sessions ended`);
      if (!given) console.log(`One-time password: ${password}`);
    });
  return reps;
}
