import { connectDatabase } from '../src/db/index.ts';
import { recordEvents } from '../src/events/index.ts';
import { loadSegments, planRollups, rebuildRollups, refreshAllSegments, refreshQueuedContacts } from '../src/segments/index.ts';
import { loadSequences } from '../src/sequences/index.ts';
import { peakRssMiB } from './child-rss.ts';

// `node --import tsx bench/segments-child.ts <url> <database> <rebuild|refresh|event-path> <now ms> [events]`:
// one segment job as the worker runs it, in a process of its own, so its peak RSS is the job's
// and not what the seeding and the benchmarks before it left in the bench process. Prints
// `{"ms", "peakMiB", "value"}`; the time is the job's alone (not the process start).
const [url, name, job, nowMs, count] = process.argv.slice(2);
if (url === undefined || name === undefined || job === undefined || nowMs === undefined)
  throw new Error('usage: segments-child.ts <url> <database> <rebuild|refresh|event-path> <now ms> [events]');

const db = await connectDatabase(url, name);
try {
  const now = new Date(Number(nowMs));
  const { segments } = await loadSegments('segments');
  const { sequences } = await loadSequences('sequences');
  const input = { segments: [...segments.values()], sequences: [...sequences.values()], now };
  const start = process.hrtime.bigint();
  const value = await runJob(job);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(JSON.stringify({ ms, peakMiB: peakRssMiB(), value }));

  async function runJob(which: string): Promise<unknown> {
    if (which === 'rebuild') return rebuildRollups(db, planRollups(input.segments), now);
    if (which === 'refresh') return refreshAllSegments(db, input);
    if (which === 'event-path') {
      // New events for the first `count` contacts (the busiest: the seeding skews towards them)
      // through the real recorder, then the worker's event pass.
      const fresh = Array.from({ length: Number(count ?? 1000) }, (_, i) => ({
        id: `fresh-${i}`,
        email: `lead${i}@bench.example`,
        type: 'page_visited',
        props: { url: '/pricing' },
      }));
      const recorded = await recordEvents(db, fresh, { source: 'api', now });
      if (recorded.recorded !== fresh.length) throw new Error(`recorded ${recorded.recorded} of ${fresh.length} events`);
      const report = await refreshQueuedContacts(db, input);
      return { ...report, left: await db.rollupQueue.countDocuments({}) };
    }
    throw new Error(`unknown job ${which}`);
  }
} finally {
  await db.close();
}
