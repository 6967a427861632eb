import { Command, CommanderError, Help } from 'commander';
import { describeError, isParleyError } from '../errors.ts';

/**
 * Each command's module, loaded only when that command runs: a command pulls in its own libraries
 * (the classifier's models, the database driver, the web server), and a CLI start that loaded all
 * of them cost about 3 s of CPU. The overview (`parley --help`) loads none: see COMMAND_SUMMARIES.
 */
const COMMANDS = {
  worker: async () => (await import('./worker.ts')).workerCommand(),
  enroll: async () => (await import('./enroll.ts')).enrollCommand(),
  demo: async () => (await import('./demo.ts')).demoCommand(),
  lint: async () => {
    const [{ lintCommand }, { inFlightLint }, { segmentAudienceLint }, { senderPoolLint }] = await Promise.all([
      import('./lint.ts'),
      import('./lint-in-flight.ts'),
      import('./lint-segments.ts'),
      import('./lint-mailboxes.ts'),
    ]);
    return lintCommand({ extensions: [inFlightLint, segmentAudienceLint, senderPoolLint] });
  },
  preview: async () => (await import('./preview.ts')).previewCommand(),
  simulate: async () => (await import('./simulate.ts')).simulateCommand(),
  reps: async () => (await import('./reps.ts')).repsCommand(),
  tasks: async () => (await import('./tasks.ts')).tasksCommand(),
  contacts: async () => (await import('./contacts.ts')).contactsCommand(),
  events: async () => (await import('./events.ts')).eventsCommand(),
  segments: async () => (await import('./segments.ts')).segmentsCommand(),
  stats: async () => (await import('./stats.ts')).statsCommand(),
  suppressions: async () => (await import('./suppressions.ts')).suppressionsCommand(),
  webhooks: async () => (await import('./webhooks.ts')).webhooksCommand(),
  classify: async () => {
    const [{ classifyCommand }, { relabelCommand, trainCommand }] = await Promise.all([
      import('./classify.ts'),
      import('./classify-learning.ts'),
    ]);
    return classifyCommand().addCommand(trainCommand()).addCommand(relabelCommand());
  },
} satisfies Record<string, () => Promise<Command>>;

/**
 * What `parley --help` lists for each command, so the overview loads none of them (loading all took
 * about 2 s). src/cli/program.test.ts checks every line against the command itself.
 */
export const COMMAND_SUMMARIES: Record<keyof typeof COMMANDS, { term: string; description: string }> = {
  worker: {
    term: 'worker',
    description: 'send due steps and handle replies until stopped (SIGTERM or Ctrl-C); settings from the environment, see .env.example',
  },
  enroll: {
    term: 'enroll [options] <sequence> <emails...>',
    description: 'enroll contacts in a sequence (its first step goes out when due)',
  },
  demo: {
    term: 'demo',
    description:
      'run the whole loop on embedded servers (FerretDB unless MONGODB_URL is set, Dovecot, an SMTP sink) and print what happened',
  },
  lint: {
    term: 'lint [options] [paths...]',
    description: 'check sequence files: that they load, and that their emails follow the writing advice',
  },
  preview: {
    term: 'preview [options] <sequence>',
    description: 'show every step of a sequence exactly as one contact gets it: headers, text and local send time',
  },
  simulate: {
    term: 'simulate [options] <sequence>',
    description: 'play a sequence on a virtual clock for a list of contacts: which step when, what is skipped and why, and what replies do',
  },
  reps: { term: 'reps', description: 'the people who answer tasks' },
  tasks: { term: 'tasks', description: 'the human-response queue: replies that need a person' },
  contacts: { term: 'contacts', description: 'the people Parley writes to' },
  events: { term: 'events', description: 'behaviour events: what contacts did (page visits, sign-ups, logins, ...)' },
  segments: { term: 'segments', description: 'behaviour segments (segments/*.yaml): who is in, and why' },
  stats: {
    term: 'stats [options]',
    description: 'what works: per sequence and step, delivered, replies, positive replies, qualified, opt-outs, completion, response times',
  },
  suppressions: { term: 'suppressions', description: 'who Parley never writes to, why, and lifting it (admins)' },
  webhooks: { term: 'webhooks', description: 'outbound webhook deliveries: list, show, and retry given-up ones (admins)' },
  classify: {
    term: 'classify [options] [file]',
    description: 'classify a reply: a whole message (.eml, or - for standard input) or, with --text, a bare reply text; prints JSON',
  },
};

type CommandName = keyof typeof COMMANDS;

function isCommandName(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/**
 * The command named on the command line: the first argument that is not an option, or the one
 * after `help` (`parley help tasks` needs the tasks command's own help).
 */
export function requestedCommand(args: readonly string[]): CommandName | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return isCommandName(first) ? first : undefined;
}

/** Loads the command itself. */
export function loadCommand(name: CommandName): Promise<Command> {
  return COMMANDS[name]();
}

const standIns = new WeakMap<Command, CommandName>();

/** A stand-in that only describes a command, for the overview (`parley`, `parley --help`, a typo). */
function standInFor(name: CommandName): Command {
  const command = new Command(name).description(COMMAND_SUMMARIES[name].description);
  standIns.set(command, name);
  return command;
}

/** The program with the command the arguments ask for, or with stand-ins for all when they ask for none. */
export async function programFor(argv: readonly string[]): Promise<Command> {
  const program = new Command()
    .name('parley')
    .description('Conversational email sequences that read like a person wrote them, and listen to the answers.')
    .showHelpAfterError()
    .exitOverride()
    .configureHelp({
      subcommandTerm: (command) => {
        const standIn = standIns.get(command);
        return standIn === undefined ? new Help().subcommandTerm(command) : COMMAND_SUMMARIES[standIn].term;
      },
    });
  const requested = requestedCommand(argv.slice(2));
  if (requested === undefined) {
    for (const name of Object.keys(COMMANDS) as CommandName[]) program.addCommand(standInFor(name));
  } else {
    program.addCommand(await loadCommand(requested));
  }
  return program;
}

/** Runs the command line; exits the process on failure with the message that says what to do. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await (await programFor(argv)).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    // Expected failures (bad configuration, a broken file) print their message, which says what to do.
    console.error(isParleyError(error) ? `parley: ${error.message}` : `parley: unexpected error: ${describeError(error)}`);
    if (!isParleyError(error) && error instanceof Error && error.stack) console.error(error.stack);
    process.exit(1);
  }
}
