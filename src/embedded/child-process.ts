import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * A server process the embedded services start. Its last output lines are kept so a failure to
 * start can say why; `stop()` sends SIGTERM, then SIGKILL after a grace period.
 */
export interface ServerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Rejects as soon as the process exits; for racing against a readiness check. */
  readonly exited: Promise<never>;
  stop(graceMs?: number): Promise<void>;
}

const livingChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort when the parent exits without stopping its services (a crashed test run). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of livingChildren) child.kill('SIGKILL');
  });
}

export function startServerProcess(command: string, args: string[], options: SpawnOptions = {}): ServerProcess {
  installExitHook();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  livingChildren.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 50) lines.splice(0, lines.length - 50);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => {
      livingChildren.delete(child);
      resolve();
    });
    child.once('error', (error) => {
      lines.push(String(error));
      livingChildren.delete(child);
      resolve();
    });
  });
  const exited = done.then(() => {
    throw new Error(`${command} exited (code ${child.exitCode ?? child.signalCode}): ${lines.slice(-10).join('\n')}`);
  });
  exited.catch(() => undefined);
  return {
    child,
    output: () => lines.join('\n'),
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}
