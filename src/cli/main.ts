import { Command, CommanderError } from 'commander';
import { describeError, isParleyError } from '../errors.ts';
import { classifyCommand } from './classify.ts';
import { contactsCommand } from './contacts.ts';
import { relabelCommand, trainCommand } from './classify-learning.ts';
import { demoCommand } from './demo.ts';
import { enrollCommand } from './enroll.ts';
import { eventsCommand } from './events.ts';
import { lintCommand } from './lint.ts';
import { inFlightLint } from './lint-in-flight.ts';
import { segmentAudienceLint } from './lint-segments.ts';
import { previewCommand } from './preview.ts';
import { repsCommand } from './reps.ts';
import { segmentsCommand } from './segments.ts';
import { simulateCommand } from './simulate.ts';
import { statsCommand } from './stats.ts';
import { tasksCommand } from './tasks.ts';
import { workerCommand } from './worker.ts';

const program = new Command()
  .name('parley')
  .description('Conversational email sequences that read like a person wrote them, and listen to the answers.')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(workerCommand());
program.addCommand(enrollCommand());
program.addCommand(demoCommand());
program.addCommand(lintCommand({ extensions: [inFlightLint, segmentAudienceLint] }));
program.addCommand(previewCommand());
program.addCommand(simulateCommand());
program.addCommand(repsCommand());
program.addCommand(tasksCommand());
program.addCommand(contactsCommand());
program.addCommand(eventsCommand());
program.addCommand(segmentsCommand());
program.addCommand(statsCommand());
program.addCommand(classifyCommand().addCommand(trainCommand()).addCommand(relabelCommand()));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // Expected failures (bad configuration, a broken file) print their message, which says what to do.
  console.error(isParleyError(error) ? `parley: ${error.message}` : `parley: unexpected error: ${describeError(error)}`);
  if (!isParleyError(error) && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
}
