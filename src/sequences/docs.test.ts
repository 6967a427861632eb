import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { CONFIGURABLE } from './schema-outcomes.ts';

// A marketer writes `outcomes:` from this table; an intent missing from it is one they never set
// ("can we set up a demo" is a meeting_request, not interested).
describe('docs/WRITING-SEQUENCES.md', () => {
  it('lists exactly the intents a sequence file may set an outcome for', () => {
    const docs = readFileSync(new URL('../../docs/WRITING-SEQUENCES.md', import.meta.url), 'utf8');
    const table = docs.slice(docs.indexOf('| Intent | Typical reply |'));
    const rows = table.split('\n').slice(2);
    const listed = rows
      .slice(
        0,
        rows.findIndex((line) => !line.startsWith('|')),
      )
      .map((line) => /^\| `([a-z_]+)`/.exec(line)?.[1]);
    assert.deepEqual([...listed].sort(), [...CONFIGURABLE].sort());
  });
});
