import { benchCli } from './cli.ts';
import { benchHostile } from './hostile.ts';
import { benchInbound } from './inbound.ts';
import { benchInbox } from './inbox.ts';
import { benchReaction } from './reaction.ts';
import { benchReplies } from './replies.ts';
import { benchScheduling } from './scheduling.ts';
import { benchSegments } from './segments.ts';
import { benchSending } from './sending.ts';
import { machine, recordResults } from './results.ts';

// `npm run bench [-- inbound=500 contacts=100000 events=1000000 replies=500 reaction=40 mutations=2000 only=segments|replies|reaction|sending|scheduling|cli|hostile|inbox]`: runs the
// benchmarks and writes their rows to docs/BENCHMARKS.md.
const args = new Map(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const inboundCount = Number(args.get('inbound') ?? 500);

const contacts = Number(args.get('contacts') ?? 100_000);
const events = Number(args.get('events') ?? 1_000_000);
const only = args.get('only');
// replies=500 waiting in Dovecot; reaction=40 replies per mode (IDLE, polling), one at a time.
const repliesCount = Number(args.get('replies') ?? 500);
const reactionCount = Number(args.get('reaction') ?? 40);
// only=sending|scheduling: enrollments=100000 active, of which due=500 are due now (sending);
// scheduled=300 come due over spread=60 seconds (scheduling). Full size on every database.
const enrollments = Number(args.get('enrollments') ?? 100_000);
const dueCount = Number(args.get('due') ?? 500);
const scheduledCount = Number(args.get('scheduled') ?? 300);
const spreadSeconds = Number(args.get('spread') ?? 60);

console.log(`Benchmarks on ${machine()}`);
const rows = [
  ...(only === undefined || only === 'inbound' ? await benchInbound(inboundCount) : []),
  ...(only === undefined || only === 'segments' ? await benchSegments(contacts, events) : []),
  ...(only === undefined || only === 'replies' ? await benchReplies(repliesCount) : []),
  ...(only === undefined || only === 'reaction' ? await benchReaction(reactionCount) : []),
  ...(only === undefined || only === 'sending' ? await benchSending(enrollments, dueCount) : []),
  ...(only === undefined || only === 'scheduling' ? await benchScheduling(enrollments, scheduledCount, spreadSeconds) : []),
  ...(only === undefined || only === 'cli' ? await benchCli() : []),
  ...(only === undefined || only === 'hostile' ? await benchHostile(Number(args.get('mutations') ?? 2000)) : []),
  ...(only === undefined || only === 'inbox' ? await benchInbox(Number(args.get('tasks') ?? 1000)) : []),
];
for (const row of rows) console.log(`${row.benchmark}: ${row.measure} ${row.parley} vs ${row.baseline} = ${row.ratio} (${row.notes})`);
await recordResults(rows);
console.log('written to docs/BENCHMARKS.md');
