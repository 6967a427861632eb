import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('..', import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

// Issue 12: storage sits behind src/db. Tests may still reach into the driver (to inject failures).
describe('the storage boundary', () => {
  it('no source file outside src/db imports the MongoDB driver', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const path = relative(SRC, file);
      if (path.startsWith('db/') || path.endsWith('.test.ts')) continue;
      if (/from\s+'mongodb'/.test(await readFile(file, 'utf8'))) offenders.push(path);
    }
    assert.deepEqual(offenders, []);
  });

  it('no source file outside src/db calls a collection of its own: the stores do', async () => {
    const collections = [
      'contacts',
      'enrollments',
      'deliveries',
      'sendClaims',
      'replies',
      'tasks',
      'mailboxCursors',
      'mailboxLeases',
      'quarantine',
      'reps',
      'taskEvents',
      'taskClaims',
      'repMessages',
      'roundRobin',
      'events',
      'segmentChanges',
      'rollupQueue',
      'contactRollups',
      'rollupState',
      'statsQueue',
      'statsDays',
      'statsDayParts',
      'intentModels',
      'suppressions',
      'suppressionAudit',
      'migrations',
      'webhookQueue',
      'webhookDeliveries',
      'webhookAttempts',
    ];
    // The collections object is `db` (or `collections`, or a private `#db`) wherever it is passed around.
    const rawCall = new RegExp(`\\b(db|collections)\\.(${collections.join('|')})\\.[a-zA-Z]+\\(`);
    const offenders: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const path = relative(SRC, file);
      if (path.startsWith('db/') || path.endsWith('.test.ts')) continue;
      if (rawCall.test(await readFile(file, 'utf8'))) offenders.push(path);
    }
    assert.deepEqual(offenders, []);
  });
});
