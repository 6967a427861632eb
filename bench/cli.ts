import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchRow } from './results.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PARLEY = fileURLToPath(new URL('../bin/parley.js', import.meta.url));
/** Starts of each command; the median counts (a start now and then lands on a busy moment). */
const RUNS = 7;

/** Milliseconds of wall time, median of RUNS, for `node <args>` from the repo root. */
async function medianMs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await run(process.execPath, [...args], { cwd: ROOT, env });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

/**
 * How long `npx parley` takes to answer, as a rep or an operator starts it: `parley --help` and
 * `parley classify --text …` (which loads the classifier and trains its default model), both from
 * a build (`npm run build`, as the image and the tests run it) and from the TypeScript sources
 * through tsx (a checkout without a build). Baseline: `node -e 0` in the same run, the floor of any
 * Node start. Targets: --help under 0.5 s, classify under 1.5 s.
 */
export async function benchCli(): Promise<BenchRow[]> {
  await run('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  const floor = await medianMs(['-e', '0']);
  const baseline = `${(floor / 1000).toFixed(2)} s (node -e 0)`;
  const rows: BenchRow[] = [];
  for (const [from, env] of [
    ['build', process.env],
    ['sources (tsx)', { ...process.env, PARLEY_FROM_SOURCE: '1' }],
  ] as const) {
    const help = await medianMs([PARLEY, '--help'], env);
    const classify = await medianMs([PARLEY, 'classify', '--text', 'Sounds good, can we talk on Tuesday?'], env);
    const notes = `from the ${from}; median of ${RUNS} starts, wall time from spawn to exit`;
    const row = (benchmark: string, ms: number): BenchRow => ({
      benchmark,
      measure: 's',
      parley: (ms / 1000).toFixed(2),
      baseline,
      ratio: `${(ms / floor).toFixed(1)}×`,
      notes,
    });
    rows.push(row('CLI start, `parley --help`', help), row('CLI start, `parley classify --text …`', classify));
  }
  return rows;
}
