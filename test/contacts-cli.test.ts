import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../src/db/index.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { runCli } from './support/worker-process.ts';

// `parley contacts import`, `parley events import` and `parley segments ...` as real processes on
// the real database: bad rows named by line, good rows in, nothing twice, and the reasons shown.
describe('contacts, events and segments from the command line', () => {
  let testDb: TestDatabase | undefined;
  let db: Database;
  let env: Record<string, string>;
  let dir: string;
  let eventsFile: string;
  beforeAll(async () => {
    testDb = await startTestDatabase('cli');
    db = testDb.db;
    dir = await mkdtemp(join(tmpdir(), 'parley-events-'));
    eventsFile = join(dir, 'events.jsonl');
    // Times relative to now, so the repo's 7-day pricing segment holds Ada whenever this runs.
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
    await writeFile(
      eventsFile,
      [
        JSON.stringify({ id: 'e1', email: 'ada@lead.example', type: 'page_visited', at: hoursAgo(3), props: { url: '/pricing' } }),
        JSON.stringify({ id: 'e2', email: 'ada@lead.example', type: 'page_visited', at: hoursAgo(2), props: { url: '/pricing/teams' } }),
        '{"id":"e3","email":"cy@lead.example","type":"signed_up"',
        JSON.stringify({ id: 'e4', email: 'cy@lead.example', type: 'email_sent' }),
        JSON.stringify({ id: 'e5', email: 'dee@lead.example', type: 'trial_started', at: Date.now() - 3600_000 }),
      ].join('\n'),
    );
    env = { MONGODB_URL: testDb.url, MONGODB_DB: testDb.name, LOG_LEVEL: 'silent', SEGMENTS_DIR: 'segments', SEQUENCES_DIR: 'sequences' };
  });
  afterAll(async () => {
    await testDb?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** runCli rejects on a non-zero exit with the output in the message: both are asserted on. */
  const runExpectingFailure = async (args: string[]) => {
    try {
      await runCli(args, env);
    } catch (error) {
      return String(error);
    }
    assert.fail(`parley ${args.join(' ')} should have exited non-zero`);
  };

  it('imports contacts, reports each bad row with its line, and merges a repeated address', async () => {
    const out = await runExpectingFailure(['contacts', 'import', 'test/fixtures/imports/contacts.csv']);
    assert.match(out, /contacts\.csv: 2 created, 0 updated, 3 invalid/);
    assert.match(out, /contacts\.csv:7: "Europe\/Berln" is not an IANA time zone/);
    assert.match(out, /contacts\.csv:3: "not-an-address" is not an email address/);
    assert.match(out, /contacts\.csv:4: no email; every row needs one/);
    const ada = await db.contacts.findOne({ email: 'ada@lead.example' });
    assert.deepEqual([ada?.firstName, ada?.company, ada?.timeZone, ada?.fields.plan], ['Ada', 'Acme GmbH', 'Europe/Berlin', 'pro']);

    // Again: nothing new, the existing contacts updated; a field the file leaves empty stays.
    await runExpectingFailure(['contacts', 'import', 'test/fixtures/imports/contacts.csv']);
    assert.equal(await db.contacts.countDocuments({}), 2);
    assert.equal((await db.contacts.findOne({ email: 'cy@lead.example' }))?.fields.plan, 'free');

    const header = await runExpectingFailure(['contacts', 'import', 'test/fixtures/imports/bad-header.csv']);
    assert.match(header, /bad-header\.csv:2: field name 'bad\.column' must be letters, digits and _/);
    const missing = await runExpectingFailure(['contacts', 'import', 'test/fixtures/imports/nope.csv']);
    assert.match(missing, /Can't read test\/fixtures\/imports\/nope\.csv/);
  });

  it('imports events once, names the bad lines, and explains the segments they lead to', async () => {
    const out = await runExpectingFailure(['events', 'import', eventsFile]);
    assert.match(out, /events\.jsonl: 3 recorded, 0 already there, 2 rejected/);
    assert.match(out, /events\.jsonl:3: not valid JSON/);
    assert.match(out, /events\.jsonl:4: type: is one of the types Parley records itself/);
    const again = await runExpectingFailure(['events', 'import', eventsFile]);
    assert.match(again, /0 recorded, 3 already there/);
    assert.ok(await db.contacts.findOne({ email: 'dee@lead.example' }), 'an unknown address became a contact');

    const refreshed = await runCli(['segments', 'refresh'], env);
    assert.match(refreshed, /\d+ contacts: \d+ entered/);
    const explained = await runCli(['segments', 'explain', 'ada@lead.example'], env);
    assert.match(explained, /pricing-page-visitors: IN \(member since /);
    assert.match(explained, /✓ page_visited where url starts with "\/pricing": 2 in the last 7 days \(needs at least 2\)/);
    assert.match(explained, /inactive-30-days: OUT/);
    const listed = await runCli(['segments', 'list'], env);
    assert.match(listed, /pricing-page-visitors\t1 members\tPricing page visitors/);
    const shown = await runCli(['segments', 'show', 'pricing-page-visitors'], env);
    assert.match(shown, /all of:\n {2}page_visited where url starts with "\/pricing", in the last 7 days: at least 2/);
    assert.match(await runExpectingFailure(['segments', 'show', 'nope']), /No segment "nope"/);
  });
});
