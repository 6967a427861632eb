import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { lintSequence } from './lint/index.ts';
import { loadSequenceFiles } from './load.ts';
import { renderStep } from './render.ts';
import { assertOneProblem, HEAD, ONE_STEP, sequenceOf } from './testing.ts';

describe('referral: in a sequence file', () => {
  it('reads enroll_referred with its sequence, and hand_to_rep as shorthand, with their defaults for the referrer', () => {
    assert.deepEqual(sequenceOf(`${HEAD}referral: { action: enroll_referred, sequence: intro }\n${ONE_STEP}`).referral, {
      action: 'enroll_referred',
      sequenceId: 'intro',
      original: 'stop',
    });
    assert.deepEqual(sequenceOf(`${HEAD}referral: hand_to_rep\n${ONE_STEP}`).referral, { action: 'hand_to_rep', original: 'pause' });
    assert.deepEqual(
      sequenceOf(`${HEAD}referral:\n  action: enroll_referred\n  sequence: intro\n  original: pause\n${ONE_STEP}`).referral,
      {
        action: 'enroll_referred',
        sequenceId: 'intro',
        original: 'pause',
      },
    );
    assert.equal(sequenceOf(`${HEAD}${ONE_STEP}`).referral, undefined);
  });

  it('names the file, line and field of a mistake', () => {
    assertOneProblem(`${HEAD}referral: { action: enroll_referred }\n${ONE_STEP}`, {
      line: 4,
      column: 11,
      field: 'referral.sequence',
      message: /missing required field 'sequence'/,
    });
    assertOneProblem(`${HEAD}referral: enroll_everyone\n${ONE_STEP}`, {
      line: 4,
      column: 11,
      field: 'referral',
      message: /expected enroll_referred \(with sequence: <id>\) or hand_to_rep/,
    });
    assertOneProblem(`${HEAD}referral:\n  action: hand_to_rep\n  original: delete\n${ONE_STEP}`, {
      line: 6,
      column: 13,
      field: 'referral.original',
      message: /expected stop or pause/,
    });
    assertOneProblem(`${HEAD}referral:\n  action: hand_to_rep\n  sequence: intro\n${ONE_STEP}`, {
      line: 6,
      column: 3,
      field: 'referral.sequence',
      message: /allowed: action, original/,
    });
  });

  it('does not load a file whose referral names a sequence no file has', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-referral-'));
    try {
      const file = join(dir, 'demo.yaml');
      await writeFile(file, `${HEAD}referral: { action: enroll_referred, sequence: missing-intro }\n${ONE_STEP}`);
      const { sequences, problems } = await loadSequenceFiles([file]);
      assert.equal(sequences.size, 0);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]?.field, 'referral.sequence');
      assert.equal(problems[0]?.line, 4);
      assert.match(problems[0]?.message ?? '', /referral names sequence 'missing-intro', which no loaded file has/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('{{ referrer.* }} in templates', () => {
  const intro = sequenceOf(
    `${HEAD}steps:\n  - id: a\n    subject: "{{ referrer.first_name }} suggested I write"\n    body: "Hi {{ first_name | default: 'there' }}, {{ referrer.name | default: 'a colleague' }} said to ask. What do you use today?"\n`,
  );

  it('reads the referrer from the enrollment context of someone enrolled from a referral', async () => {
    const rendering = await renderStep(intro, 0, {
      email: 'priya@x.example',
      firstName: 'Priya',
      fields: { referrer_first_name: 'Marco', referrer_name: 'Marco Rossi', referrer_email: 'marco@x.example' },
    });
    assert.ok(rendering.ok);
    assert.equal(rendering.rendered.subject, 'Marco suggested I write');
    assert.match(rendering.rendered.text, /Hi Priya, Marco Rossi said to ask/);
  });

  it('skips the step for a contact with no referrer rather than print a blank, and lint warns without failing', async () => {
    const rendering = await renderStep(intro, 0, { email: 'ada@x.example' });
    assert.deepEqual(rendering, { ok: false, unfillable: { missing: ['referrer'] } });
    const findings = lintSequence(intro).filter((f) => f.ruleId === 'known-variables');
    assert.deepEqual(
      findings.map((f) => f.level),
      ['warn'],
    );
  });
});
