import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * This process's peak RSS in MiB: Linux's VmHWM. Not resourceUsage().maxRSS, which survives the
 * exec and so starts at the RSS of the parent that forked us (the bench process, hundreds of MiB).
 */
export function peakRssMiB(): number {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kib !== undefined) return Math.round(Number(kib) / 1024);
  } catch {
    // Not Linux: the bound below is all there is.
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Runs a bench child script (`bench/<script>`) under tsx and parses the JSON of its last line. */
export async function runBenchChild<T>(script: string, args: readonly string[]): Promise<T> {
  const child = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, ...args], { maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} printed no result: ${stdout.slice(0, 300)}`);
  }
}
