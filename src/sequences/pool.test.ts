import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { capturingLogger } from '../../test/support/log-capture.ts';
import { formatProblem, parseSequence, poolProblems, SequenceCatalog, sendersOf } from './index.ts';

const FILE = 'sequences/pool.yaml';
const STEPS = 'steps:\n  - id: hello\n    subject: Hi\n    body: Hello\n';

describe('senders: a pool', () => {
  it('reads a pool (lower-cased, with optional reply_to); the first stands for the sequence; sender: still works', () => {
    const source = `id: pool\nname: Pool\nsenders:\n  - { name: Dana, address: Dana@Mail.example }\n  - { name: Eli, address: eli@mail.example, reply_to: team@mail.example }\n${STEPS}`;
    const result = parseSequence(source, FILE);
    assert.ok(result.ok);
    assert.deepEqual(
      sendersOf(result.sequence).map((s) => [s.name, s.address, s.replyTo]),
      [
        ['Dana', 'dana@mail.example', undefined],
        ['Eli', 'eli@mail.example', 'team@mail.example'],
      ],
    );
    assert.equal(result.sequence.sender.address, 'dana@mail.example');
    const single = parseSequence(`id: one\nname: One\nsender: { name: Dana, address: dana@mail.example }\n${STEPS}`, FILE);
    assert.ok(single.ok);
    assert.equal(single.sequence.senders, undefined);
    assert.deepEqual(sendersOf(single.sequence), [single.sequence.sender]);
  });

  it('refuses both sender and senders, neither, an empty pool and an address listed twice, by line and field', () => {
    const problems = (source: string) => {
      const result = parseSequence(source, FILE);
      assert.ok(!result.ok);
      return result.problems.map(formatProblem);
    };
    assert.match(
      problems(`id: p\nname: P\nsender: { name: D, address: d@x.example }\nsenders:\n  - { name: D, address: d@x.example }\n${STEPS}`)[0] ??
        '',
      /^sequences\/pool\.yaml:[45]:\d+ senders: write either sender \(one mailbox\) or senders \(a pool\), not both/,
    );
    assert.match(problems(`id: p\nname: P\n${STEPS}`)[0] ?? '', /sender: missing required field 'sender'/);
    assert.match(problems(`id: p\nname: P\nsenders: []\n${STEPS}`)[0] ?? '', /:3:\d+ senders: name at least one sender/);
    assert.match(
      problems(`id: p\nname: P\nsenders:\n  - { name: D, address: d@x.example }\n  - { name: E, address: D@x.example }\n${STEPS}`)[0] ?? '',
      /:5:\d+ senders\[1\]\.address: 'd@x\.example' is listed twice/,
    );
  });

  it('names file, line and field of a pool address MAILBOXES_FILE does not list', () => {
    const source = `id: pool\nname: Pool\nsenders:\n  - { name: Dana, address: dana@mail.example }\n  - { name: Eli, address: eli@mail.example }\n${STEPS}`;
    const result = parseSequence(source, FILE);
    assert.ok(result.ok);
    const unknown = poolProblems(result.sequence, new Set(['dana@mail.example'])).map(formatProblem);
    assert.equal(unknown.length, 1);
    assert.match(
      unknown[0] ?? '',
      /^sequences\/pool\.yaml:5:\d+ senders\[1\]\.address: 'eli@mail\.example' is not a mailbox of MAILBOXES_FILE/,
    );
    assert.match(
      poolProblems(result.sequence, undefined).map(formatProblem)[0] ?? '',
      /:4:\d+ senders\[0\]\.address: .*needs MAILBOXES_FILE/,
    );
    assert.deepEqual(poolProblems(result.sequence, new Set(['dana@mail.example', 'eli@mail.example'])), []);
  });

  it("is refused by the worker's catalog, which logs the file, line and field of the unknown address", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-pool-catalog-'));
    try {
      const body = 'steps:\n  - id: hello\n    subject: Hi\n    body: "What made you look this month? Just reply to this email."\n';
      const pool = (id: string, second: string) =>
        `id: ${id}\nname: ${id}\nsenders:\n  - { name: Dana, address: dana@mail.example }\n  - { name: Eli, address: ${second} }\n${body}`;
      await writeFile(join(dir, 'good.yaml'), pool('good', 'eli@mail.example'));
      await writeFile(join(dir, 'bad.yaml'), pool('bad', 'zed@mail.example'));
      const { logger: log, entries } = capturingLogger();
      const catalog = new SequenceCatalog(dir, log, { mailboxes: new Set(['dana@mail.example', 'eli@mail.example']) });
      await catalog.reload();
      assert.ok(catalog.get('good'));
      assert.equal(catalog.get('bad'), undefined);
      const problem = entries().find((l) => String(l.problem).includes('bad.yaml'));
      assert.match(
        String(problem?.problem),
        /bad\.yaml:5:\d+ senders\[1\]\.address: 'zed@mail\.example' is not a mailbox of MAILBOXES_FILE/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
