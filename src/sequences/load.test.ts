import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { formatProblem, listSequenceFiles, loadSequenceFile, loadSequenceFiles, loadSequences } from './index.ts';

const SAMPLE = fileURLToPath(new URL('../../sequences/trial-follow-up.yaml', import.meta.url));

const good = (id: string) =>
  `id: ${id}\nname: Good\nsender: { name: Dana, address: dana@parley.example }\nsteps:\n  - id: a\n    subject: Hi\n    body: One question?\n`;

describe('loadSequenceFile', () => {
  it('loads the sample sequence', async () => {
    const result = await loadSequenceFile(SAMPLE);
    assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
    const { sequence } = result;
    assert.equal(sequence.id, 'trial-follow-up');
    assert.equal(sequence.file, SAMPLE);
    assert.deepEqual(sequence.sender, { name: 'Dana from Parley', address: 'dana@parley.example', replyTo: 'replies@parley.example' });
    assert.deepEqual(
      sequence.steps.map((s) => [s.id, s.wait, s.subject === undefined]),
      [
        ['hello', { kind: 'duration', ms: 0 }, false],
        ['nudge', { kind: 'business_days', days: 3 }, true],
        ['last-check-in', { kind: 'business_days', days: 4 }, true],
      ],
    );
  });

  it('reports a file that cannot be read as a problem', async () => {
    const result = await loadSequenceFile('/nonexistent/parley.yaml');
    assert.equal(result.ok, false);
    assert.match(
      result.ok ? '' : result.problems.map(formatProblem).join('\n'),
      /^\/nonexistent\/parley\.yaml:1:1 can't read the file: .*ENOENT/,
    );
  });
});

describe('loadSequences', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-sequences-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads good files, reports broken ones, and ignores other files', async () => {
    const sub = await mkdtemp(join(dir, 'mixed-'));
    await writeFile(join(sub, 'good.yaml'), good('good'));
    await writeFile(join(sub, 'broken.yml'), good('broken').replace('    subject: Hi\n', ''));
    await writeFile(join(sub, 'notes.txt'), 'not a sequence');
    await writeFile(join(sub, '.#good.yaml'), 'editor lock file');

    const { sequences, problems } = await loadSequences(sub);
    assert.deepEqual([...sequences.keys()], ['good']);
    assert.equal(sequences.get('good')?.file, join(sub, 'good.yaml'));
    assert.deepEqual(
      problems.map((p) => [p.file, p.line, p.column, p.field]),
      [[join(sub, 'broken.yml'), 5, 5, 'steps[0].subject']],
    );
  });

  it('skips every file sharing a sequence id, naming the others', async () => {
    const sub = await mkdtemp(join(dir, 'dup-'));
    await writeFile(join(sub, 'a.yaml'), good('same'));
    await writeFile(join(sub, 'b.yaml'), `# a copy\n${good('same')}`);
    await writeFile(join(sub, 'c.yaml'), good('other'));

    const { sequences, problems } = await loadSequences(sub);
    assert.deepEqual([...sequences.keys()], ['other']);
    assert.deepEqual(
      problems.map((p) => [p.file, p.line, p.column, p.field]),
      [
        [join(sub, 'a.yaml'), 1, 5, 'id'],
        [join(sub, 'b.yaml'), 2, 5, 'id'],
      ],
    );
    assert.match(problems[0]?.message ?? '', new RegExp(`'same' is also used by ${join(sub, 'b.yaml')}`));
    assert.match(problems[1]?.message ?? '', new RegExp(`'same' is also used by ${join(sub, 'a.yaml')}`));
  });

  it('skips a file whose move_to names no loaded sequence, and what only it led to', async () => {
    const sub = await mkdtemp(join(dir, 'moves-'));
    const moving = (id: string, target: string) =>
      good(id).replace('steps:', `outcomes:\n  wrong_person: { action: move_to, sequence: ${target} }\nsteps:`);
    await writeFile(join(sub, 'a.yaml'), moving('a', 'b'));
    await writeFile(join(sub, 'b.yaml'), good('b'));
    await writeFile(join(sub, 'c.yaml'), moving('c', 'nowhere'));
    await writeFile(join(sub, 'd.yaml'), moving('d', 'c'));

    const { sequences, problems } = await loadSequences(sub);
    assert.deepEqual([...sequences.keys()].sort(), ['a', 'b']);
    assert.deepEqual(
      problems.map((p) => [p.file, p.line, p.column, p.field]),
      [
        [join(sub, 'c.yaml'), 5, 46, 'outcomes.wrong_person.sequence'],
        [join(sub, 'd.yaml'), 5, 46, 'outcomes.wrong_person.sequence'],
      ],
    );
    assert.match(problems[0]?.message ?? '', /move_to names sequence 'nowhere', which no loaded file has/);
  });

  it('loads a given list of files as one set', async () => {
    const sub = await mkdtemp(join(dir, 'list-'));
    await writeFile(join(sub, 'x.yaml'), good('x'));
    await writeFile(join(sub, 'y.yaml'), good('x'));
    const { sequences, problems } = await loadSequenceFiles([join(sub, 'x.yaml')]);
    assert.deepEqual([[...sequences.keys()], problems], [['x'], []]);
    assert.deepEqual(await listSequenceFiles(sub), [join(sub, 'x.yaml'), join(sub, 'y.yaml')]);
  });

  it('reports a missing folder as a problem', async () => {
    const missing = join(dir, 'missing');
    const { sequences, problems } = await loadSequences(missing);
    assert.equal(sequences.size, 0);
    assert.deepEqual(
      problems.map((p) => [p.file, p.line, p.column]),
      [[missing, 1, 1]],
    );
  });
});
