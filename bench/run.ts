import { benchInbound } from './inbound.ts';
import { machine, recordResults } from './results.ts';

// `npm run bench [-- inbound=500]`: runs the benchmarks and writes their rows to docs/BENCHMARKS.md.
const args = new Map(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
// 500 by default: on FerretDB lookups scan whole collections, so larger runs measure FerretDB, not Parley.
const inboundCount = Number(args.get('inbound') ?? 500);

console.log(`Benchmarks on ${machine()}`);
const rows = [...(await benchInbound(inboundCount))];
for (const row of rows) console.log(`${row.benchmark}: ${row.measure} ${row.parley} vs ${row.baseline} = ${row.ratio} (${row.notes})`);
await recordResults(rows);
console.log('written to docs/BENCHMARKS.md');
