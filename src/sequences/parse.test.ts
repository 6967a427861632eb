import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ErrorCodes } from '../errors.ts';
import { DEFAULT_OPT_OUT_SENTENCE, formatProblem, parseSequence, SequenceInvalidError, type SequenceProblem } from './index.ts';

const FILE = 'sequences/demo.yaml';
const HEAD = 'id: demo\nname: Demo\nsender: { name: Dana, address: dana@parley.example }\n';

function problemsOf(source: string): SequenceProblem[] {
  const result = parseSequence(source, FILE);
  assert.equal(result.ok, false, 'expected the sequence to be rejected');
  return result.ok ? [] : result.problems;
}

/** Asserts exactly one problem, at line:column in field, whose message matches. */
function assertOneProblem(source: string, expected: { line: number; column: number; field: string; message: RegExp }) {
  const problems = problemsOf(source);
  assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
  const [p] = problems;
  assert.deepEqual(
    { file: p?.file, line: p?.line, column: p?.column, field: p?.field },
    { file: FILE, line: expected.line, column: expected.column, field: expected.field },
  );
  assert.match(p?.message ?? '', expected.message);
}

describe('parseSequence', () => {
  it('builds a sequence with waits, defaults and a lower-cased sender', () => {
    const source = `id: demo
name: Demo
sender: { name: Dana, address: Dana@Parley.Example }
steps:
  - id: hello
    subject: Hi
    body: One question?
  - id: nudge
    wait: 3 days
    body: Still curious.
  - id: later
    wait: 2 business days
    subject: New thread
    asks: team_size
    body: Another question?
`;
    const result = parseSequence(source, FILE);
    assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
    const { sequence } = result;
    assert.equal(sequence.file, FILE);
    assert.deepEqual(sequence.sender, { name: 'Dana', address: 'dana@parley.example', replyTo: undefined });
    assert.deepEqual(sequence.steps, [
      { id: 'hello', index: 0, wait: { kind: 'duration', ms: 0 }, subject: 'Hi', body: 'One question?', asks: undefined, outcomes: {} },
      {
        id: 'nudge',
        index: 1,
        wait: { kind: 'duration', ms: 3 * 24 * 3600_000 },
        subject: undefined,
        body: 'Still curious.',
        asks: undefined,
        outcomes: {},
      },
      {
        id: 'later',
        index: 2,
        wait: { kind: 'business_days', days: 2 },
        subject: 'New thread',
        body: 'Another question?',
        asks: 'team_size',
        outcomes: {},
      },
    ]);
    assert.deepEqual(
      {
        owner: sequence.owner,
        audience: sequence.audience,
        policy: sequence.policy,
        optOut: sequence.optOut,
        html: sequence.html,
        outcomes: sequence.outcomes,
        lint: sequence.lint,
      },
      {
        owner: undefined,
        audience: { manual: true, segment: undefined, reenter: false, onExit: 'stay' },
        policy: {
          timezone: 'UTC',
          sendDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
          sendHours: { startMinute: 540, endMinute: 1020 },
          maxPerContact30d: 8,
          mailboxCaps: { perDay: 200, perHour: 50 },
        },
        optOut: { sentence: DEFAULT_OPT_OUT_SENTENCE, listUnsubscribe: false },
        html: false,
        outcomes: {},
        lint: {},
      },
    );
    assert.equal(DEFAULT_OPT_OUT_SENTENCE, 'P.S. If you\'d rather not hear from me, just reply "stop" and I won\'t write again.');
  });

  it('freezes what it returns, all the way down', () => {
    const result = parseSequence(`${HEAD}steps:\n  - id: a\n    subject: s\n    body: hi\n`, FILE);
    assert.ok(result.ok);
    const { sequence } = result;
    for (const part of [
      sequence,
      sequence.steps,
      sequence.steps[0],
      sequence.steps[0]?.wait,
      sequence.policy,
      sequence.policy.sendDays,
      sequence.policy.sendHours,
      sequence.sender,
      sequence.optOut,
      sequence.audience,
      sequence.lint,
    ]) {
      assert.ok(Object.isFrozen(part));
    }
  });

  it('rejects a file without steps, pointing at the top-level map', () => {
    assertOneProblem(HEAD, { line: 1, column: 1, field: 'steps', message: /missing required field 'steps'/ });
  });

  it('rejects an empty step list', () => {
    assertOneProblem(`${HEAD}steps: []\n`, { line: 4, column: 8, field: 'steps', message: /at least one step/ });
  });

  it('requires a subject on step 0, pointing at the step', () => {
    assertOneProblem(`${HEAD}steps:\n  - id: a\n    body: hi\n`, {
      line: 5,
      column: 5,
      field: 'steps[0].subject',
      message: /missing required field 'subject'/,
    });
  });

  it('rejects duplicate step ids at the second one', () => {
    const source = `${HEAD}steps:\n  - id: a\n    subject: s\n    body: hi\n  - id: a\n    body: again\n`;
    assertOneProblem(source, { line: 8, column: 9, field: 'steps[1].id', message: /duplicate step id 'a'.*steps\[0\]/ });
  });

  it('rejects step ids that are not lower-case slugs', () => {
    assertOneProblem(`${HEAD}steps:\n  - id: Step_1\n    subject: s\n    body: hi\n`, {
      line: 5,
      column: 9,
      field: 'steps[0].id',
      message: /lower-case/,
    });
  });

  for (const [wait, message] of [
    ['3 fortnights', /can't read "3 fortnights" as a duration/],
    ['-2h', /negative/],
    ['"3"', /no unit/],
    ['3', /expected a duration/],
  ] as const) {
    it(`rejects wait: ${wait}`, () => {
      const source = `${HEAD}steps:\n  - id: a\n    subject: s\n    body: hi\n  - id: b\n    wait: ${wait}\n    body: x\n`;
      assertOneProblem(source, { line: 9, column: 11, field: 'steps[1].wait', message });
    });
  }

  it('rejects a sender address that is not an email', () => {
    const source =
      'id: demo\nname: Demo\nsender:\n  name: Dana\n  address: dana-at-parley\nsteps:\n  - id: a\n    subject: s\n    body: hi\n';
    assertOneProblem(source, { line: 5, column: 12, field: 'sender.address', message: /email address/ });
  });

  it('names an unknown field and the allowed ones, at the key', () => {
    const source = `${HEAD}steps:\n  - id: a\n    subject: s\n    body: hi\n    bcc: boss@parley.example\n`;
    assertOneProblem(source, {
      line: 8,
      column: 5,
      field: 'steps[0].bcc',
      message: /unknown field 'bcc'; allowed: id, wait, subject, asks, body, outcomes/,
    });
  });

  it('reports an unknown field inside a flow mapping at its column', () => {
    const source =
      'id: demo\nname: Demo\nsender: { name: Dana, adress: dana@parley.example }\nsteps:\n  - id: a\n    subject: s\n    body: hi\n';
    const problems = problemsOf(source);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.field]),
      [
        [3, 9, 'sender.address'],
        [3, 23, 'sender.adress'],
      ],
    );
  });

  it('reports YAML syntax errors with their position', () => {
    assertOneProblem(`${HEAD}steps:\n  - id: a\n    subject: s\n    body: hi\n    body: again\n`, {
      line: 8,
      column: 5,
      field: '',
      message: /Map keys must be unique/,
    });
    const [p] = problemsOf(`${HEAD}steps:\n  - id: a\n    subject: s\n   body: hi\n`);
    assert.deepEqual([p?.line, p?.column, p?.field], [7, 1, '']);
  });

  it('reports an alias to a missing anchor', () => {
    assertOneProblem(`${HEAD}steps:\n  - id: a\n    subject: s\n    body: *greeting\n`, {
      line: 7,
      column: 11,
      field: '',
      message: /Unresolved alias/,
    });
  });

  for (const [source, found] of [
    ['- id: demo\n', 'a list'],
    ['hello\n', 'a single value'],
    ['# nothing\n', 'an empty file'],
  ] as const) {
    it(`rejects a document that is ${found}`, () => {
      assertOneProblem(source, { line: 1, column: 1, field: '', message: new RegExp(`expected a mapping.*found ${found}`) });
    });
  }

  it('rejects templates that do not parse, naming the field', () => {
    const source = `${HEAD}steps:\n  - id: a\n    subject: "Hi {{ first_name | defualt: 'there' }}"\n    body: |\n      Hi\n      {% if company %}\n`;
    const problems = problemsOf(source);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.field]),
      [
        [6, 14, 'steps[0].subject'],
        [7, 11, 'steps[0].body'],
      ],
    );
    assert.match(problems[0]?.message ?? '', /undefined filter: defualt/);
    assert.match(problems[1]?.message ?? '', /not closed \(template line 2, column 1\)/);
  });

  it('refuses templates that would load other files', () => {
    assertOneProblem(`${HEAD}steps:\n  - id: a\n    subject: s\n    body: "{% include 'secrets' %}"\n`, {
      line: 7,
      column: 11,
      field: 'steps[0].body',
      message: /include %\} is not available/,
    });
  });

  it('reports every problem of a file at once, in file order', () => {
    const source =
      'id: Demo\nname: Demo\nsender: { name: Dana, address: nope }\nsteps:\n  - id: a\n    wait: never\n    body: ""\n  - { id: a, body: x, subjcet: y }\n';
    assert.deepEqual(
      problemsOf(source).map((p) => `${p.line}:${p.column} ${p.field}`),
      [
        '1:5 id',
        '3:32 sender.address',
        '5:5 steps[0].subject',
        '6:11 steps[0].wait',
        '7:11 steps[0].body',
        '8:11 steps[1].id',
        '8:23 steps[1].subjcet',
      ],
    );
  });
});

describe('problem reporting', () => {
  const problem: SequenceProblem = { file: FILE, line: 9, column: 11, field: 'steps[1].wait', message: 'bad wait' };

  it('formats file:line:column field: message', () => {
    assert.equal(formatProblem(problem), 'sequences/demo.yaml:9:11 steps[1].wait: bad wait');
    assert.equal(formatProblem({ ...problem, field: '' }), 'sequences/demo.yaml:9:11 bad wait');
  });

  it('SequenceInvalidError carries the problems under SEQUENCE_INVALID', () => {
    const error = new SequenceInvalidError([problem, { ...problem, line: 12 }]);
    assert.equal(error.code, ErrorCodes.SEQUENCE_INVALID);
    assert.equal(error.problems.length, 2);
    assert.match(error.message, /^sequences\/demo\.yaml:9:11 steps\[1\]\.wait: bad wait$/m);
    assert.match(error.message, /^sequences\/demo\.yaml:12:11 steps\[1\]\.wait: bad wait$/m);
  });
});
