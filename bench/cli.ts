import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchRow } from './results.ts';

const run = promisify(execFile);
const PARLEY = fileURLToPath(new URL('../bin/parley.js', import.meta.url));
/** Starts of each command; the median counts (a start now and then lands on a busy moment). */
const RUNS = 7;

/** Milliseconds of wall time, median of RUNS, for `node <args>` from the repo root. */
async function medianMs(args: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await run(process.execPath, [...args], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

/**
 * How long `npx parley` takes to answer, as a rep or an operator starts it: `parley --help` and
 * `parley classify --text …` (which loads the classifier and trains its default model). Baseline:
 * `node -e 0` in the same run, the floor of any Node start. The commands are loaded lazily
 * (src/cli/main.ts imports only the one asked for).
 */
export async function benchCli(): Promise<BenchRow[]> {
  const floor = await medianMs(['-e', '0']);
  const help = await medianMs([PARLEY, '--help']);
  const classify = await medianMs([PARLEY, 'classify', '--text', 'Sounds good, can we talk on Tuesday?']);
  const baseline = `${(floor / 1000).toFixed(2)} s (node -e 0)`;
  const notes = `median of ${RUNS} starts each, wall time from spawn to exit; bin/parley.js runs the TypeScript sources through tsx (no dist/ in a checkout); targets: --help under 0.5 s, classify under 1.5 s`;
  return [
    {
      benchmark: 'CLI start, `parley --help`',
      measure: 's',
      parley: (help / 1000).toFixed(2),
      baseline,
      ratio: `${(help / floor).toFixed(1)}×`,
      notes,
    },
    {
      benchmark: 'CLI start, `parley classify --text …`',
      measure: 's',
      parley: (classify / 1000).toFixed(2),
      baseline,
      ratio: `${(classify / floor).toFixed(1)}×`,
      notes,
    },
  ];
}
