import { benchInbound } from './inbound.ts';
import { benchSegments } from './segments.ts';
import { machine, recordResults } from './results.ts';

// `npm run bench [-- inbound=500 contacts=100000 events=1000000 only=segments]`: runs the
// benchmarks and writes their rows to docs/BENCHMARKS.md.
const args = new Map(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
// 500 by default: on FerretDB lookups scan whole collections, so larger runs measure FerretDB, not Parley.
const inboundCount = Number(args.get('inbound') ?? 500);

const contacts = Number(args.get('contacts') ?? 100_000);
const events = Number(args.get('events') ?? 1_000_000);
const only = args.get('only');

console.log(`Benchmarks on ${machine()}`);
const rows = [
  ...(only === undefined || only === 'inbound' ? await benchInbound(inboundCount) : []),
  ...(only === undefined || only === 'segments' ? await benchSegments(contacts, events) : []),
];
for (const row of rows) console.log(`${row.benchmark}: ${row.measure} ${row.parley} vs ${row.baseline} = ${row.ratio} (${row.notes})`);
await recordResults(rows);
console.log('written to docs/BENCHMARKS.md');
