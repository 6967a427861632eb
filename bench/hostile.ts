import { cpuUsage } from 'node:process';
import { inProcessAnalyzer } from '../src/inbound/index.ts';
import { fixtureMessages, hostileMessages, mutate, seeded, slowToReadMessage } from '../test/support/hostile-mail.ts';
import type { BenchRow } from './results.ts';

/** Milliseconds of CPU (user + system) one analysis takes on this thread; failures count too (they are quarantined). */
async function cpuMs(raw: Buffer): Promise<number> {
  const before = cpuUsage();
  await inProcessAnalyzer.analyze(raw, undefined).catch(() => undefined);
  const used = cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/**
 * The worst CPU time one message costs the analysis (parse, visible text, classification): the
 * figure the time budget (ANALYSIS_TIMEOUT_MS) and the analysis threads guard. Over the fuzz
 * corpus of the hostile-mail test (mutations of the real fixtures, the hostile set) and the
 * largest legal slow messages (IMAP_MAX_MESSAGE_BYTES is 10 MB). Baseline: the median real reply.
 */
export async function benchHostile(mutations: number): Promise<BenchRow[]> {
  const seeds = fixtureMessages();
  for (const raw of seeds) await cpuMs(raw); // warm: the first analyses of a process are slow
  const real = [];
  for (const raw of seeds) real.push(await cpuMs(raw));
  real.sort((a, b) => a - b);
  const median = real[Math.floor(real.length / 2)]!;

  const random = seeded(20261201);
  const corpus: Array<{ name: string; raw: Buffer }> = [
    ...hostileMessages(),
    { name: '9 MB of quoted-printable soft breaks', raw: slowToReadMessage({ megabytes: 9 }) },
    ...Array.from({ length: mutations }, (_, i) => ({ name: `mutation ${i}`, raw: mutate(seeds[i % seeds.length]!, random) })),
  ];
  const times: Array<{ name: string; ms: number }> = [];
  for (const { name, raw } of corpus) times.push({ name, ms: await cpuMs(raw) });
  times.sort((a, b) => b.ms - a.ms);
  const worst = times[0]!;
  const p99 = times[Math.floor(times.length / 100)]!.ms;
  console.log(
    'slowest five:',
    times
      .slice(0, 5)
      .map((t) => `${t.name} ${t.ms.toFixed(0)} ms`)
      .join('; '),
  );
  return [
    {
      benchmark: `hostile mail, worst CPU per message (${corpus.length} messages)`,
      measure: 'ms of CPU',
      parley: worst.ms.toFixed(0),
      baseline: `${median.toFixed(1)} (median real reply)`,
      ratio: `${(worst.ms / median).toFixed(0)}×`,
      notes: `worst: ${worst.name}; p99 ${p99.toFixed(0)} ms; on an analysis thread, with ANALYSIS_TIMEOUT_MS (15 s) as the bound`,
    },
  ];
}
