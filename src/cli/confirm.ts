import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question in a terminal; false without one (CI, scripts): those say yes up front
 * with the command's flag (--force, --yes), so nothing is decided by a missing keyboard.
 */
export async function confirmInTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
