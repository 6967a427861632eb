import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The build when it is fresh (scripts/test.sh makes one: each start is about 0.5 s faster), else the sources.
const CLI = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

const running = new Set<CliProcess>();

/** Runs `parley <args>` as a real child process, the way ops run it. */
export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const proc: CliProcess = {
    child,
    output: () => output,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Runs `parley <args>` to completion; rejects with its output when it fails. */
export async function runCli(args: string[], env: Record<string, string>): Promise<string> {
  const proc = startCli(args, env);
  const code = await proc.exited;
  if (code !== 0) throw new Error(`parley ${args.join(' ')} exited with ${code}:\n${proc.output()}`);
  return proc.output();
}

/** For after(): kills whatever a failed test left running. */
export async function killAllCli(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill('SIGKILL')));
}
