import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CommanderError } from 'commander';
import { classifyCommand } from './classify.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = `${ROOT}test/fixtures/replies/`;

/** Runs `parley classify ...` in this process (a process start costs seconds); what it prints, and what it printed as errors. */
async function classify(...args: string[]): Promise<{ out: string; err: string; error?: unknown }> {
  const out: string[] = [];
  const err: string[] = [];
  const command = classifyCommand()
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(' '));
  });
  try {
    await command.parseAsync(args, { from: 'user' });
    return { out: out.join('\n'), err: err.join('') };
  } catch (error) {
    return { out: out.join('\n'), err: err.join(''), error };
  } finally {
    log.mockRestore();
  }
}

describe('parley classify', () => {
  it('analyses a whole message file and prints JSON, every field shown', async () => {
    const analysis = JSON.parse((await classify(`${FIXTURES}outlook-desktop-en.eml`)).out);
    assert.equal(
      analysis.visibleText,
      'Hi Sam,\n\nNot the right person for this, you want our head of sales, Maria Lopez (maria.lopez@acme.com).',
    );
    assert.equal(analysis.classification.intent, 'wrong_person');
    assert.deepEqual(analysis.referral, { name: 'Maria Lopez', email: 'maria.lopez@acme.com' });
    assert.equal(analysis.automatic.isAutomatic, false);
    assert.equal(analysis.bounce, null);
    assert.equal(analysis.answer, null);
  });

  it('takes a bare reply with --text, and the question asked with --asks; dates are ISO 8601', async () => {
    const answered = JSON.parse((await classify('--text', 'We are about 40 people and I make the call.', '--asks', 'team_size')).out);
    assert.deepEqual(answered.answer, { asks: 'team_size', value: '40' });
    const ooo = JSON.parse((await classify('--text', 'I am out of the office until Monday.')).out);
    assert.equal(ooo.classification.intent, 'out_of_office');
    assert.match(ooo.returnDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('refuses both a file and --text, neither, and an unknown --asks', async () => {
    for (const args of [['x.eml', '--text', 'hi'], []]) {
      const { error, err } = await classify(...args);
      assert.ok(error instanceof CommanderError, JSON.stringify(args));
      assert.match(err, /either a message file/);
    }
    const { error, err } = await classify('--text', 'hi', '--asks', 'shoe_size');
    assert.ok(error instanceof CommanderError);
    assert.match(err, /expected one of main_goal/);
  });

  it('eval --json reports the held-out figures and the quote-stripping score', async () => {
    const { intents, quoteStripping } = JSON.parse((await classify('eval', '--json', '--fixtures', FIXTURES)).out);
    assert.ok(intents.total > 50);
    assert.ok(intents.accuracy > 0.5 && intents.accuracy <= 1);
    assert.equal(intents.confusion.counts.length, intents.confusion.labels.length);
    assert.ok(quoteStripping.total >= 20 && quoteStripping.score >= 0.9);
  });

  it('eval prints a table of the figures', async () => {
    const { out } = await classify('eval', '--fixtures', FIXTURES);
    assert.match(out, /^meeting_request +\d+ +\d\.\d\d +\d\.\d\d +\d\.\d\d$/m);
    assert.match(out, /^accuracy \d\.\d\d {3}macro F1 \d\.\d\d {3}unclear rate \d\.\d\d/m);
    assert.match(out, /^Confusion matrix/m);
    assert.match(out, /^Quote stripping: \d+\/\d+ fixtures \(\d\.\d\d\)$/m);
  });

  it('eval --set scores a labeled set of replies given as JSON Lines, with the calibration error', async () => {
    const set = `${ROOT}test/fixtures/intents/heldback.jsonl`;
    const { intents } = JSON.parse((await classify('eval', '--json', '--set', set, '--fixtures', FIXTURES)).out);
    assert.ok(intents.total >= 150);
    assert.ok(intents.calibrationError >= 0 && intents.calibrationError < 0.2);
    const { out } = await classify('eval', '--set', set, '--fixtures', FIXTURES);
    assert.match(out, /^Intents: \d+ replies of .*heldback\.jsonl$/m);
    assert.match(out, /calibration error \(ECE\) \d\.\d\d$/m);
  });

  it('is registered in the parley program, reading a message from standard input', async () => {
    const child = promisify(execFile)(process.execPath, ['bin/parley.js', 'classify', '-'], {
      cwd: ROOT,
      timeout: 60_000,
    });
    child.child.stdin?.end('From: pat@lead.example\r\nSubject: Re: hi\r\n\r\nNo thanks, too expensive for us.\r\n');
    const analysis = JSON.parse((await child).stdout);
    assert.equal(analysis.classification.intent, 'not_interested');
    assert.equal(analysis.objection, 'too_expensive');
  });
});
