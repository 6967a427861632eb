import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FILE, sequenceOf } from '../testing.ts';
import { lintPaths } from './files.ts';
import { LINT_RULES, lintSequence } from './index.ts';

const EXAMPLES = fileURLToPath(new URL('../../../sequences', import.meta.url));
// bin/parley.js runs the build when it is fresh (scripts/test.sh makes one), else the sources.
const CLI = fileURLToPath(new URL('../../../bin/parley.js', import.meta.url));

/** Two questions (one-question, error) and a bare first_name (known-variables, minor). */
const twoQuestions = (top = '') => `id: demo
name: Demo
sender: { name: Dana, address: dana@parley.example }
${top}steps:
  - id: a
    subject: Hi
    body: |
      Hi {{ first_name }}, I wonder: is it good? Is it fast?
      Just reply.
`;

const levels = (findings: ReturnType<typeof lintSequence>) => findings.map((f) => `${f.ruleId}=${f.level}`);

describe('lintSequence levels and positions', () => {
  it('points at the field in the file', () => {
    const [finding] = lintSequence(sequenceOf(twoQuestions()));
    assert.deepEqual(finding && { ...finding, message: '' }, {
      ruleId: 'one-question',
      level: 'error',
      file: FILE,
      line: 7,
      column: 11,
      field: 'steps[0].body',
      message: '',
    });
  });

  it('uses the default level, then the file, then the options', () => {
    assert.deepEqual(levels(lintSequence(sequenceOf(twoQuestions()))), ['one-question=error', 'known-variables=warn']);
    const relaxed = sequenceOf(twoQuestions('lint: { one-question: warn, known-variables: off }\n'));
    assert.deepEqual(levels(lintSequence(relaxed)), ['one-question=warn']);
    assert.deepEqual(levels(lintSequence(relaxed, { rules: { 'one-question': 'off', 'known-variables': 'error' } })), [
      'known-variables=warn',
    ]);
  });

  it('lists every rule with a description and default level', () => {
    assert.deepEqual(
      LINT_RULES.map((r) => `${r.id}=${r.defaultLevel}`),
      [
        'one-question=error',
        'plain-text=error',
        'first-person-short=warn',
        'reply-worthy-subject=warn',
        'reply-cta=warn',
        'opt-out=error',
        'known-variables=error',
        'sending-hours=warn',
      ],
    );
    assert.ok(LINT_RULES.every((r) => r.description.length > 10));
  });
});

describe('lintPaths and `parley lint`', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-lint-'));
    await writeFile(join(dir, 'loud.yaml'), twoQuestions('outcomes: { wrong_person: { action: move_to, sequence: quiet } }\n'));
    await writeFile(
      join(dir, 'quiet.yaml'),
      twoQuestions().replace('id: demo', 'id: quiet').replace(' Is it fast?', '').replace('{{ first_name }}', 'there'),
    );
    await writeFile(join(dir, 'broken.yaml'), 'id: broken\nname: Broken\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing in the example sequences', async () => {
    const { files, findings } = await lintPaths([EXAMPLES]);
    assert.deepEqual(
      files.map((f) => f.slice(EXAMPLES.length + 1)),
      ['pricing-page-visitor.yaml', 're-engagement.yaml', 'trial-follow-up.yaml'],
    );
    assert.deepEqual(findings, []);
  });

  it('reports on the files asked for, checking move_to against their folder', async () => {
    const { files, findings } = await lintPaths([join(dir, 'loud.yaml')]);
    assert.deepEqual(files, [join(dir, 'loud.yaml')]);
    assert.deepEqual(levels(findings), ['one-question=error', 'known-variables=warn']);
  });

  it('reports files that do not load as schema errors', async () => {
    const { findings } = await lintPaths([join(dir, 'broken.yaml'), join(dir, 'missing.yaml')]);
    assert.deepEqual(
      findings.map((f) => [f.file, f.ruleId, f.level, f.field]),
      [
        [join(dir, 'broken.yaml'), 'schema', 'error', 'sender'],
        [join(dir, 'broken.yaml'), 'schema', 'error', 'steps'],
        [join(dir, 'missing.yaml'), 'schema', 'error', ''],
      ],
    );
    assert.match(findings[0]?.message ?? '', /^sender: missing required field 'sender'/);
  });

  it('prints file:line:column level rule message, a summary, and exits 1 on errors', async () => {
    const run = promisify(execFile);
    const failed = await run(process.execPath, [CLI, 'lint', join(dir, 'loud.yaml'), '--rule', 'known-variables=off']).then(
      () => assert.fail('expected exit code 1'),
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(failed.code, 1);
    assert.equal(
      failed.stdout,
      `${join(dir, 'loud.yaml')}:8:11  error  one-question  this email asks 2 questions; keep the one that matters most, so the answer is easy to write\n1 file checked: 1 error, 0 warnings.\n`,
    );

    const { stdout } = await run(process.execPath, [CLI, 'lint', '--json', join(dir, 'quiet.yaml')]);
    assert.deepEqual(JSON.parse(stdout), []);
  });
});
