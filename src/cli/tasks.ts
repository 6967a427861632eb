import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { TaskShortIdStore, type Database, type RepDoc, type TaskDoc, type TaskStatus } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { INTENTS } from '../classify/index.ts';
import { getRep } from '../reps/index.ts';
import { createMailTransports } from '../sending/index.ts';
import { loadSequences } from '../sequences/index.ts';
import {
  answerTask,
  applyTaskOutcome,
  attachTriageTask,
  parseCcList,
  claimTask,
  dismissTriageTask,
  getTaskView,
  inboxItems,
  INBOX_VIEWS,
  reassignTask,
  type InboxView,
  TASK_STATUSES,
  type TaskActionResult,
  type TaskOutcome,
} from '../tasks/index.ts';
import { confirmInTerminal } from './confirm.ts';
import { withDatabase } from './database.ts';
import { CLI_OPERATOR as OPERATOR, terminalSafe } from './terminal.ts';

async function repFor(db: Database, email: string | undefined, required: boolean): Promise<RepDoc> {
  if (email === undefined) {
    if (required) throw new ParleyError(ErrorCodes.REP_NOT_FOUND, 'Say who you are with --as <rep email>.');
    return OPERATOR;
  }
  const rep = await getRep(db, email);
  if (!rep)
    throw new ParleyError(ErrorCodes.REP_NOT_FOUND, `No rep ${email}; see \`parley reps list\` or add one with \`parley reps add\`.`);
  return rep;
}

/** A short id (`t-3f9a2c`, printed by `tasks list`) becomes the task's id; anything else is taken as given. */
async function taskIdFor(db: Database, id: string): Promise<string> {
  return (await new TaskShortIdStore(db.db).resolve(id)) ?? id;
}

function report(result: TaskActionResult, done: string): void {
  if (result.ok) {
    console.log(`${result.task._id}: ${done} (status ${result.task.status})`);
    return;
  }
  console.error(`parley: ${result.message} [${result.code}]`);
  process.exitCode = 1;
}

const parseStatus = (value: string | undefined): TaskStatus | undefined => TASK_STATUSES.find((s) => s === value);

export function tasksCommand(): Command {
  const tasks = new Command('tasks').description('the human-response queue: replies that need a person');
  tasks
    .command('list')
    .description('tasks, soonest due first (as a rep: theirs and unassigned open ones; done ones only with --status done)')
    .addOption(new Option('--status <status>', 'only tasks in this status').choices(TASK_STATUSES))
    .addOption(new Option('--view <view>', 'mine, unassigned (nobody has it) or overdue, as in the inbox').choices(INBOX_VIEWS))
    .addOption(new Option('--intent <intent>', 'only replies with this intent').choices(INTENTS))
    .option('--sequence <id>', 'only replies to this sequence')
    .option('--search <words>', "every word in the contact's name, company or address, or the reply")
    .option('--as <email>', 'list as this rep sees it')
    .action(async (options: { status?: string; view?: InboxView; intent?: string; sequence?: string; search?: string; as?: string }) => {
      const status = parseStatus(options.status);
      await withDatabase(async (db) => {
        const viewer = await repFor(db, options.as, false);
        const list = await inboxItems(db, viewer, {
          ...(status && { status }),
          view: options.view,
          intent: options.intent,
          sequenceId: options.sequence,
          search: options.search,
        });
        if (list.length === 0) console.log('No tasks.');
        const store = new TaskShortIdStore(db.db);
        const shortIds = await Promise.all(list.map(({ task }) => store.shortIdOf(task._id)));
        for (const [i, { task: t, preview }] of list.entries()) {
          // The full id stays first (scripts read that column); the short id next needs no shell quoting.
          const fields = [
            t._id,
            shortIds[i] ?? '',
            `P${t.priority}`,
            t.status,
            `due ${t.dueAt.toISOString()}`,
            t.intent,
            t.email,
            t.assignee ?? 'unassigned',
            preview.name ?? '',
            preview.snippet,
            ...(t.escalated ? ['ESCALATED'] : []),
            ...(t.senderConcern ? ['CHECK SENDER'] : []),
            ...(t.triage ? ['TRIAGE'] : []),
          ];
          // Names and text come from strangers' mail: no control characters reach the terminal.
          console.log(fields.map((f) => terminalSafe(f)).join('\t'));
        }
      });
    });
  tasks
    .command('show')
    .description('a task with its thread and history')
    .argument('<id>', 'task id, as `tasks list` prints it')
    .option('--as <email>', 'show as this rep sees it')
    .action(async (id: string, options: { as?: string }) => {
      await withDatabase(async (db) => {
        const view = await getTaskView(db, await taskIdFor(db, id), await repFor(db, options.as, false));
        if (!view) throw new ParleyError(ErrorCodes.TASK_NOT_FOUND, `No task ${id} you can see; list them with \`parley tasks list\`.`);
        const { task } = view;
        // Everything here may hold a stranger's words (the thread, the explanation, the sender).
        const say = (text: string) => console.log(terminalSafe(text, true));
        say(
          `${task._id} (short id ${await new TaskShortIdStore(db.db).shortIdOf(task._id)})\n  ${task.email}, ${task.intent} (${task.confidence.toFixed(2)}: ${task.explanation}), P${task.priority}, ${task.status}, due ${task.dueAt.toISOString()}, ${task.assignee ?? 'unassigned'}` +
            (task.namedDate
              ? `\n  asked to hear from us again on ${task.namedDate.at.toISOString().slice(0, 10)} ("${task.namedDate.phrase}")`
              : ''),
        );
        if (task.senderConcern) say(`  HELD: ${task.senderConcern.note}; nothing was changed automatically`);
        say(`  Sender authentication: ${view.authentication}`);
        for (const line of triageLines(task)) say(`  ${line}`);
        say('\nThread:');
        for (const e of view.thread)
          say(`--- ${e.kind} ${e.at.toISOString()} from ${e.from}${e.intent ? ` [${e.intent}]` : ''}\n${e.subject}\n\n${e.text.trim()}\n`);
        say('History:');
        for (const e of view.events)
          say(
            `  ${e.at.toISOString()} ${e.by} ${e.action} ${Object.entries(e.detail)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`,
          );
      });
    });
  tasks
    .command('claim')
    .description('take a task so no other rep answers it')
    .argument('<id>')
    .requiredOption('--as <email>', 'the rep claiming it')
    .action(async (id: string, options: { as: string }) => {
      const claimMs = loadConfig(process.env).tasks.claimMs;
      await withDatabase(async (db) =>
        report(await claimTask(db, await taskIdFor(db, id), await repFor(db, options.as, true), new Date(), { claimMs }), 'claimed'),
      );
    });
  tasks
    .command('reply')
    .description("answer the contact in the reply's thread (needs your claim)")
    .argument('<id>')
    .requiredOption('--as <email>', 'the rep answering')
    .requiredOption('--text <text>', "the answer (the lead's message is quoted below it)")
    .option('--cc <addresses>', "who to copy, comma-separated (default: everyone the lead copied, reply-all; '' for nobody)")
    .action(async (id: string, options: { as: string; text: string; cc?: string }) => {
      const config = loadConfig(process.env);
      const cc = options.cc === undefined ? undefined : parseCcList(options.cc);
      if (cc && !cc.ok) throw new ParleyError(ErrorCodes.CONTACT_ADDRESS_INVALID, `${cc.message} (--cc)`);
      const { sequences } = await loadSequences(config.sequencesDir);
      // A pool enrollment's answer goes out through its own mailbox's SMTP server.
      const transport = createMailTransports(config.smtp, config.mailboxes);
      try {
        await withDatabase(async (db) => {
          const rep = await repFor(db, options.as, true);
          report(
            await answerTask(db, transport, await taskIdFor(db, id), rep, options.text, {
              messageIdDomain: config.messageIdDomain,
              getSequence: (s) => sequences.get(s),
              cc: cc?.cc,
            }),
            'answered',
          );
        });
      } finally {
        transport.close();
      }
    });
  outcomeCommand(tasks, 'done', 'close a task (needs your claim, unless admin)', () => ({ kind: 'done' }));
  outcomeCommand(tasks, 'resume', 'resume the sequence: its next step at the time the schedule gives', () => ({ kind: 'resume' }));
  outcomeCommand(tasks, 'stop', "stop the contact's sequence and close the task", () => ({ kind: 'stop' }));
  outcomeCommand(tasks, 'qualified', 'mark the contact qualified and close the task', () => ({ kind: 'qualified' }));
  outcomeCommand(
    tasks,
    'move',
    'stop this sequence and enroll the contact in another',
    (o) => ({ kind: 'move', sequenceId: o.to ?? '' }),
    (c) => c.requiredOption('--to <sequence>', 'the sequence id to move the contact to'),
  );
  outcomeCommand(
    tasks,
    'snooze',
    'put the task away until a time (it opens again then)',
    (o) => ({ kind: 'snooze', until: parseUntil(o.until ?? '') }),
    (c) => c.requiredOption('--until <time>', 'ISO 8601 time, e.g. 2026-12-07T09:00:00Z'),
  );
  tasks
    .command('assign')
    .description('give a task to another rep, or back to the pool with --to "" (admins)')
    .argument('<id>')
    .requiredOption('--to <email>', "the rep to give it to ('' for the pool)")
    .requiredOption('--as <email>', 'the admin deciding')
    .action(async (id: string, options: { to: string; as: string }) => {
      await withDatabase(async (db) => {
        const admin = await repFor(db, options.as, true);
        const to = options.to.trim() || undefined;
        report(await reassignTask(db, await taskIdFor(db, id), admin, to), `assigned to ${to ?? 'the pool'}`);
      });
    });
  tasks
    .command('attach')
    .description('attach a triage task (replies from an address with no enrollment) to a contact, created when new')
    .argument('<id>')
    .requiredOption('--contact <email>', "the contact's address")
    .option('--enrollment <id>', 'one of the contact’s enrollments, so the replies join that thread')
    .requiredOption('--as <email>', 'the rep deciding')
    .action(async (id: string, options: { contact: string; enrollment?: string; as: string }) => {
      await withDatabase(async (db) => {
        const rep = await repFor(db, options.as, true);
        const result = await attachTriageTask(db, await taskIdFor(db, id), rep, {
          contactEmail: options.contact,
          enrollmentId: options.enrollment,
        });
        report(result, `attached to ${options.contact}`);
      });
    });
  tasks
    .command('dismiss')
    .description('close a triage task that needs nothing (spam, stray mail)')
    .argument('<id>')
    .option('--reason <text>', 'why, for the audit trail', 'dismissed')
    .requiredOption('--as <email>', 'the rep deciding')
    .action(async (id: string, options: { reason: string; as: string }) => {
      await withDatabase(async (db) => {
        const rep = await repFor(db, options.as, true);
        report(await dismissTriageTask(db, await taskIdFor(db, id), rep, options.reason), 'dismissed');
      });
    });
  return tasks;
}

const DONE_WORDS: Record<TaskOutcome['kind'], string> = {
  done: 'done',
  resume: 'resumed',
  stop: 'stopped',
  move: 'moved',
  snooze: 'snoozed',
  qualified: 'qualified',
};

interface OutcomeFlags {
  as: string;
  yes?: boolean;
  to?: string;
  until?: string;
}

function parseUntil(value: string): Date {
  const until = new Date(value);
  if (Number.isNaN(until.getTime()))
    throw new ParleyError(ErrorCodes.TASK_INPUT_INVALID, `--until "${value}" is not a time; give ISO 8601, e.g. 2026-12-07T09:00:00Z.`);
  return until;
}

/**
 * One CLI twin of a task page button: the same applyTaskOutcome as the web route. Closing with no
 * answer sent asks in a terminal and wants --yes in scripts, as on the page.
 */
function outcomeCommand(
  tasks: Command,
  name: TaskOutcome['kind'],
  description: string,
  outcome: (flags: OutcomeFlags) => TaskOutcome,
  extra: (command: Command) => Command = (c) => c,
): void {
  extra(
    tasks
      .command(name)
      .description(description)
      .argument('<id>', 'task id or short id (`t-…`) from `tasks list`')
      .requiredOption('--as <email>', 'the rep deciding (needs their claim, unless admin)')
      .option('--yes', 'close it even though nobody answered the contact (else asked in a terminal, refused in scripts)'),
  ).action(async (id: string, flags: OutcomeFlags) => {
    const decided = outcome(flags);
    const needsSequences = decided.kind === 'resume' || decided.kind === 'move';
    const sequences = needsSequences ? (await loadSequences(loadConfig(process.env).sequencesDir)).sequences : undefined;
    await withDatabase(async (db) => {
      const rep = await repFor(db, flags.as, true);
      const taskId = await taskIdFor(db, id);
      const apply = (confirmed: boolean) =>
        applyTaskOutcome(db, taskId, rep, decided, { getSequence: (s) => sequences?.get(s), confirmed });
      let result = await apply(flags.yes === true);
      // Unanswered: ask in a terminal; scripts say --yes up front.
      if (!result.ok && result.code === 'needs_confirmation') {
        if (await confirmInTerminal(result.message)) result = await apply(true);
        else result = { ...result, message: `${result.message} Not closed: answer it first, or run again with --yes.` };
      }
      report(result, DONE_WORDS[name]);
    });
  });
}

/** What `tasks show` says about a triage task and a referral. */
function triageLines(task: TaskDoc): string[] {
  const lines: string[] = [];
  const { triage, referral } = task;
  if (triage) {
    lines.push(
      `TRIAGE: ${triage.sender} wrote ${triage.messages} message(s) from an address with no enrollment; nothing was changed automatically`,
    );
    if (triage.suggestion) lines.push(`Suggested contact: ${triage.suggestion.email} (${triage.suggestion.note})`);
    if (triage.attached)
      lines.push(
        `Attached to ${triage.attached.email}${triage.attached.enrollmentId ? ` (enrollment ${triage.attached.enrollmentId})` : ''} by ${triage.attached.by}`,
      );
    if (triage.dismissed) lines.push(`Dismissed by ${triage.dismissed.by}: ${triage.dismissed.reason}`);
  }
  if (referral) {
    const who = [referral.name, referral.email && `<${referral.email}>`, referral.role && `(${referral.role})`].filter(Boolean).join(' ');
    lines.push(`Referred to: ${who}${referral.action ? `; ${referral.action}` : ''}`);
  }
  return lines;
}
