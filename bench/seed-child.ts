import { connectDatabase } from '../src/db/index.ts';
import { seedBehaviour } from './segments.ts';

// `node --import tsx bench/seed-child.ts <url> <database> <contacts> <events> <now ms> <sequences json>`:
// seeds the segments bench's database in a process of its own, so the bench process's peak RSS is
// the measured work's, not the seeding's. Prints `{"seedMs": …}`.
const [url, name, contacts, events, nowMs, sequences] = process.argv.slice(2);
if (url === undefined || name === undefined || sequences === undefined)
  throw new Error('usage: seed-child.ts <url> <database> <contacts> <events> <now ms> <sequences json>');
const db = await connectDatabase(url, name);
try {
  const { seedMs } = await seedBehaviour(
    db,
    Number(contacts),
    Number(events),
    new Date(Number(nowMs)),
    JSON.parse(sequences) as Array<{ id: string; stepIds: string[] }>,
  );
  console.log(JSON.stringify({ seedMs }));
} finally {
  await db.close();
}
