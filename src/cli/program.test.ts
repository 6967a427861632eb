import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_SUMMARIES, loadCommand, programFor, requestedCommand } from './program.ts';

describe('the command line overview', () => {
  it('lists every command as the command itself describes it', async () => {
    const help = new Help();
    for (const name of Object.keys(COMMAND_SUMMARIES) as (keyof typeof COMMAND_SUMMARIES)[]) {
      const command = await loadCommand(name);
      expect({ name, term: help.subcommandTerm(command), description: command.description() }).toEqual({
        name,
        ...COMMAND_SUMMARIES[name],
      });
    }
  });

  it('loads only the command asked for, also after `help`', () => {
    expect(requestedCommand(['tasks', 'list', '--mine'])).toBe('tasks');
    expect(requestedCommand(['help', 'stats'])).toBe('stats');
    expect(requestedCommand(['--help'])).toBeUndefined();
    expect(requestedCommand(['tsaks'])).toBeUndefined();
    expect(requestedCommand(['constructor'])).toBeUndefined();
  });

  it('shows the overview with each command, its arguments and its description', async () => {
    const program = await programFor(['node', 'parley', '--help']);
    const text = program.helpInformation();
    expect(text).toContain('enroll [options] <sequence> <emails...>');
    expect(text).toContain('classify [options] [file]');
    expect(text).toContain('the human-response queue: replies that need a person');
    expect(program.commands.map((c) => c.name())).toEqual(Object.keys(COMMAND_SUMMARIES));
  });

  it('gives the asked-for command its own options', async () => {
    const program = await programFor(['node', 'parley', 'help', 'enroll']);
    expect(program.commands).toHaveLength(1);
    expect(program.commands[0]!.helpInformation()).toContain('<sequence>');
  });
});
