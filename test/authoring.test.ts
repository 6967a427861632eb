import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { silentLogger } from '../src/logger.ts';
import { loadSequenceFile, SequenceCatalog } from '../src/sequences/index.ts';
import { runCli, startCli } from './support/worker-process.ts';

// The marketer's commands as a marketer runs them: lint, preview, simulate; and live edits.
describe('authoring sequences', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-authoring-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('`parley lint` passes the shipped examples and points at the line of a problem', async () => {
    assert.match(await runCli(['lint', 'sequences'], {}), /3 files checked: no problems/);
    const broken = join(dir, 'broken.yaml');
    const source = (await readFile('sequences/trial-follow-up.yaml', 'utf8'))
      .replace('id: trial-follow-up', 'id: broken')
      .replace('What made you start looking for a tool like ours right now?', 'What made you look? And why now? Click here: <b>now</b>');
    await writeFile(broken, source);
    const proc = startCli(['lint', broken], {});
    assert.equal(await proc.exited, 1, 'errors exit 1');
    const line = source.split('\n').findIndex((l) => l.includes('  - id: hello')) + 1;
    assert.match(proc.output(), new RegExp(`${broken}:\\d+:\\d+  error  one-question`));
    assert.match(proc.output(), new RegExp(`${broken}:\\d+:\\d+  error  plain-text`));
    assert.ok(line > 0);
    const json = JSON.parse(await runCli(['lint', 'sequences/re-engagement.yaml', '--json'], {})) as unknown[];
    assert.deepEqual(json, []);
  });

  it('`parley preview` shows each step with headers, text and the local send time of the contact', async () => {
    const contact = JSON.stringify({ email: 'ada@lead.example', first_name: 'Ada', time_zone: 'Europe/Berlin' });
    // Friday 6 March 2026, 09:00 in Berlin.
    const out = await runCli(['preview', 'trial-follow-up', '--contact', contact, '--start', '2026-03-06T08:00:00Z'], {});
    assert.match(out, /step 1 "hello" ── Fri 6 Mar 2026, 09:00 GMT\+1 \(Europe\/Berlin\)/);
    assert.match(out, /step 2 "nudge" ── Wed 11 Mar 2026, 09:00 GMT\+1 \(Europe\/Berlin\)/, '3 business days, skipping the weekend');
    assert.match(out, /step 3 "last-check-in" ── Tue 17 Mar 2026, 09:00 GMT\+1/);
    assert.match(out, /Subject: Quick question, Ada\n/);
    assert.match(out, /Subject: Re: Quick question, Ada\n/);
    assert.match(out, /Reply-To: replies@parley\.example/);
    assert.match(out, /In-Reply-To: <preview\.hello@/);
    assert.match(out, /P\.S\. If you'd rather not hear from me, just reply "stop"/);
  });

  it('`parley preview` shows a step this contact would skip, and why', async () => {
    const out = await runCli(
      [
        'preview',
        'office-hours',
        '--contact',
        'nameless@lead.example',
        '--dir',
        'test/fixtures/office-hours',
        '--start',
        '2026-03-09T14:00:00Z',
      ],
      {},
    );
    assert.match(out, /step 2 "personal" ── .*\nSKIPPED for this contact: no value for first_name/);
    assert.doesNotMatch(out, /Hi ,/);
  });

  it('`parley simulate` plays contacts on a virtual clock, with reply scenarios', async () => {
    const csv = join(dir, 'contacts.csv');
    await writeFile(
      csv,
      'email,first_name,time_zone\nooo@lead.example,Olu,America/New_York\nlater@lead.example,Lia,\nquiet@lead.example,Quinn,Asia/Tokyo\n',
    );
    const out = await runCli(
      [
        'simulate',
        'trial-follow-up',
        '--contacts',
        csv,
        '--start',
        '2026-03-02T14:00:00Z',
        '--reply',
        'ooo@lead.example:1:I am out of the office until March 16.',
        '--reply',
        'later@lead.example:hello:Not now, maybe next quarter.@3h',
      ],
      {},
    );
    const section = (email: string) => out.split('\n\n').find((s) => s.startsWith(email)) ?? '';
    // Out of office: back on 16 March, the next step waits for that morning's window.
    assert.match(section('ooo@lead.example'), /reply\s+hello\s+"I am out of the office until March 16\." -> out_of_office/);
    assert.match(section('ooo@lead.example'), /Mon 16 Mar 2026, 09:00 EDT \(America\/New_York\)\s+sent\s+nudge/);
    // Not now: the file says resume after 30 days.
    assert.match(section('later@lead.example'), /-> not_now/);
    assert.match(section('later@lead.example'), /outcome\s+hello\s+resume_after/);
    // 30 days after the reply (Mon 2 Mar, 12:00 EST) is Wed 1 Apr, 13:00 EDT: inside the window.
    assert.match(section('later@lead.example'), /Wed 1 Apr 2026, 13:00 EDT .*sent\s+nudge/);
    // No reply: all three steps in Tokyo office hours, then completed.
    assert.equal((section('quiet@lead.example').match(/ sent /g) ?? []).length, 3);
    assert.match(section('quiet@lead.example'), /09:00 GMT\+9 \(Asia\/Tokyo\)/);
    assert.match(section('quiet@lead.example'), /completed/);
  });

  it('keeps the last good version of a file that breaks while the worker runs', async () => {
    const live = join(dir, 'live');
    await rm(live, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(live));
    const file = join(live, 'trial.yaml');
    const good = await readFile('sequences/trial-follow-up.yaml', 'utf8');
    await writeFile(file, good);
    const catalog = new SequenceCatalog(live, silentLogger());
    await catalog.reload();
    assert.equal(catalog.get('trial-follow-up')?.steps.length, 3);

    await writeFile(file, good.replace('  - id: nudge', '  - idd: nudge'));
    await catalog.reload();
    assert.equal(catalog.get('trial-follow-up')?.steps.length, 3, 'still the last good version');

    await writeFile(file, good.replace('I know inboxes fill up fast', 'Inboxes fill up fast'));
    await catalog.reload();
    assert.match(catalog.get('trial-follow-up')?.steps[1]?.body ?? '', /^Hi .*\n\nInboxes fill up fast/);

    await rm(file);
    await catalog.reload();
    assert.equal(catalog.get('trial-follow-up'), undefined);
  });

  describe('with a database', () => {
    let testDb: TestDatabase;
    let url: string;
    let db: Database;
    let database: string;
    beforeAll(async () => {
      testDb = await startTestDatabase('authoring');
      ({ url, db, name: database } = testDb);
    });
    afterAll(async () => {
      await testDb?.stop();
    });

    it('`parley lint` warns about edits that change what contacts already in the sequence get', async () => {
      const live = join(dir, 'in-flight');
      await import('node:fs/promises').then((fs) => fs.mkdir(live, { recursive: true }));
      const file = join(live, 'trial.yaml');
      const original = await readFile('sequences/trial-follow-up.yaml', 'utf8');
      await writeFile(file, original);
      const loaded = await loadSequenceFile(file);
      assert.ok(loaded.ok);
      const [outcome] = await enrollContacts(db, loaded.sequence, [{ email: 'mid@lead.example' }]);
      assert.equal(outcome?.outcome, 'enrolled');
      // This contact has had `hello` and `nudge`.
      await db.enrollments.updateOne({ email: 'mid@lead.example' }, { $set: { passedStepIds: ['hello', 'nudge'] } });

      const env = { MONGODB_URL: url, MONGODB_DB: database };
      // The marketer adds a step before `nudge`: this contact is already past its place.
      const caseStudy =
        '  - id: case-study\n    wait: 2 days\n    body: |\n      Hi {{ first_name | default: "there" }}, would a short case study help me help you? Just reply.\n\n';
      await writeFile(file, original.replace('  - id: nudge', `${caseStudy}  - id: nudge`));
      const inserted = await runCli(['lint', file], env);
      const caseStudyLine = (await readFile(file, 'utf8')).split('\n').findIndex((l) => l.includes('- id: case-study')) + 1;
      assert.match(
        inserted,
        new RegExp(
          `trial\\.yaml:${caseStudyLine}:\\d+  warn  in-flight-edits  1 contact\\(s\\) in flight are already past this step's place`,
        ),
      );

      // Then removes `nudge`, which this contact has passed.
      await writeFile(file, original.replace(/  - id: nudge[\s\S]*?(?=  - id: last-check-in)/, ''));
      const removed = await runCli(['lint', file], env);
      assert.match(removed, /warn  in-flight-edits  step 'nudge' is no longer in the file, and 1 contact\(s\) in flight have passed it/);
      assert.doesNotMatch(removed, /already past this step/);
    });
  });
});
