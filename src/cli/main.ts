import { Command, CommanderError } from 'commander';
import { describeError, isParleyError } from '../errors.ts';

/**
 * Each command's module, loaded only when that command runs: a command pulls in its own libraries
 * (the classifier's models, the database driver, the web server), and a CLI start that loaded all
 * of them cost about 3 s of CPU. `parley --help` and an unknown command load every one.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  worker: async () => (await import('./worker.ts')).workerCommand(),
  enroll: async () => (await import('./enroll.ts')).enrollCommand(),
  demo: async () => (await import('./demo.ts')).demoCommand(),
  lint: async () => {
    const [{ lintCommand }, { inFlightLint }, { segmentAudienceLint }] = await Promise.all([
      import('./lint.ts'),
      import('./lint-in-flight.ts'),
      import('./lint-segments.ts'),
    ]);
    return lintCommand({ extensions: [inFlightLint, segmentAudienceLint] });
  },
  preview: async () => (await import('./preview.ts')).previewCommand(),
  simulate: async () => (await import('./simulate.ts')).simulateCommand(),
  reps: async () => (await import('./reps.ts')).repsCommand(),
  tasks: async () => (await import('./tasks.ts')).tasksCommand(),
  contacts: async () => (await import('./contacts.ts')).contactsCommand(),
  events: async () => (await import('./events.ts')).eventsCommand(),
  segments: async () => (await import('./segments.ts')).segmentsCommand(),
  stats: async () => (await import('./stats.ts')).statsCommand(),
  classify: async () => {
    const [{ classifyCommand }, { relabelCommand, trainCommand }] = await Promise.all([
      import('./classify.ts'),
      import('./classify-learning.ts'),
    ]);
    return classifyCommand().addCommand(trainCommand()).addCommand(relabelCommand());
  },
};

/** The command named on the command line: the first argument that is not an option. */
function requestedCommand(argv: readonly string[]): string | undefined {
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

const program = new Command()
  .name('parley')
  .description('Conversational email sequences that read like a person wrote them, and listen to the answers.')
  .showHelpAfterError()
  .exitOverride();

try {
  const requested = requestedCommand(process.argv);
  const names = requested === undefined ? Object.keys(COMMANDS) : [requested];
  // In the order above, so `parley --help` lists them as it always has.
  for (const command of await Promise.all(names.map((name) => COMMANDS[name]!()))) program.addCommand(command);
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // Expected failures (bad configuration, a broken file) print their message, which says what to do.
  console.error(isParleyError(error) ? `parley: ${error.message}` : `parley: unexpected error: ${describeError(error)}`);
  if (!isParleyError(error) && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
}
