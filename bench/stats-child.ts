import { isDeepStrictEqual } from 'node:util';
import { connectDatabase } from '../src/db/index.ts';
import { readStats, type SequenceOutline } from '../src/stats/index.ts';
import { peakRssMiB } from './child-rss.ts';

// `node --import tsx bench/stats-child.ts <url> <database> <from ms> <to ms> <now ms> <outlines json>`:
// `parley stats` as it runs, in a process of its own, so its peak RSS is the read's and not what
// the benchmarks before it left in the bench process. Reads the report from the day summaries,
// then from the events alone (as before the summaries), checks they are equal, and prints
// `{"ms", "peakMiB", "eventsOnlyMs", "peakBothMiB", "sent"}` (peakMiB: the process's maximum RSS after
// the first read; peakBothMiB: after both).
const [url, name, fromMs, toMs, nowMs, outlinesJson] = process.argv.slice(2);
if (url === undefined || name === undefined || outlinesJson === undefined)
  throw new Error('usage: stats-child.ts <url> <database> <from ms> <to ms> <now ms> <outlines json>');

const db = await connectDatabase(url, name);
try {
  const now = new Date(Number(nowMs));
  const options = {
    period: { from: new Date(Number(fromMs)), to: new Date(Number(toMs)) },
    sequences: JSON.parse(outlinesJson) as SequenceOutline[],
    now: () => now,
  };
  const timed = async <T>(work: () => Promise<T>) => {
    const start = process.hrtime.bigint();
    const value = await work();
    return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  };
  const stats = await timed(() => readStats(db, options));
  const peakMiB = peakRssMiB();
  const eventsOnly = await timed(() => readStats(db, { ...options, summaries: false }));
  if (!isDeepStrictEqual(stats.value, eventsOnly.value)) throw new Error('stats from the day summaries differ from stats from the events');
  const sent = stats.value.sequences.reduce((n, s) => n + s.total.sent, 0);
  const peakBothMiB = peakRssMiB();
  console.log(JSON.stringify({ ms: stats.ms, peakMiB, eventsOnlyMs: eventsOnly.ms, peakBothMiB, sent }));
} finally {
  await db.close();
}
