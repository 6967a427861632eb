import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { lintSequence } from './lint/index.ts';
import { renderStep } from './render.ts';
import { assertOneProblem, HEAD, sequenceOf } from './testing.ts';
import { chooseVariant } from './variants.ts';

const BODY = 'Hi there,\\n\\nWhat made you look for a tool like ours?\\n\\nJust reply.\\n\\nDana\\n';

/** Step 0 with variants b (subject) and c (body, weight 2), then a follow-up; steps start on line 4. */
const SOURCE = `${HEAD}steps:
  - id: hello
    subject: Quick question
    body: "${BODY}"
    variants:
      - id: b
        subject: "A question about {{ company | default: 'your team' }}"
      - id: c
        weight: 2
        body: "Hi,\\n\\nWhich tool do you use today?\\n\\nJust reply.\\n\\nDana\\n"
  - id: nudge
    wait: 2 days
    body: "${BODY}"
`;

describe('A/B variants in a sequence file', () => {
  it('builds variant a from the step and fills what a variant leaves out', () => {
    const step = sequenceOf(SOURCE).steps[0];
    assert.deepEqual(
      step?.variants?.map((v) => [v.id, v.weight, v.subject]),
      [
        ['a', 1, 'Quick question'],
        ['b', 1, "A question about {{ company | default: 'your team' }}"],
        ['c', 2, 'Quick question'],
      ],
    );
    assert.equal(step?.variants?.[1]?.body, step?.body);
    assert.equal(sequenceOf(SOURCE).steps[1]?.variants, undefined);
  });

  it('names file, line and field for a variant without text, a reused id, a bad weight, a subject on a follow-up', () => {
    const steps = (variants: string, subject = '    subject: s\n') =>
      `${HEAD}steps:\n  - id: x\n${subject}    body: hi\n    variants:\n${variants}`;
    assertOneProblem(steps('      - id: b\n        weight: 2\n'), {
      line: 9,
      column: 9,
      field: 'steps[0].variants[0]',
      message: /needs a subject or a body/,
    });
    assertOneProblem(steps('      - id: a\n        body: other\n'), {
      line: 9,
      column: 13,
      field: 'steps[0].variants[0].id',
      message: /'a' is the step's own text/,
    });
    assertOneProblem(steps('      - id: b\n        body: one\n      - id: b\n        body: two\n'), {
      line: 11,
      column: 13,
      field: 'steps[0].variants[1].id',
      message: /duplicate variant id 'b'/,
    });
    assertOneProblem(steps('      - id: b\n        weight: 0\n        body: other\n'), {
      line: 10,
      column: 17,
      field: 'steps[0].variants[0].weight',
      message: /whole number from 1 to 100/,
    });
    const followUp = `${HEAD}steps:\n  - id: x\n    subject: s\n    body: hi\n  - id: y\n    body: again\n    variants:\n      - id: b\n        subject: Other\n`;
    assertOneProblem(followUp, { line: 12, column: 18, field: 'steps[1].variants[0].subject', message: /keeps the thread's subject/ });
  });

  it('runs every lint rule on each variant and names the variant', () => {
    const source = SOURCE.replace('Which tool do you use today?', 'Which tool? And why?');
    const findings = lintSequence(sequenceOf(source)).filter((f) => f.ruleId === 'one-question');
    assert.deepEqual(
      findings.map((f) => [f.line, f.field]),
      [[13, 'steps[0].variants[1].body']],
    );
    assert.match(findings[0]?.message ?? '', /^variant c: this email asks 2 questions/);
    // The same fault in variant a is named as a's, at the step's field.
    const inA = lintSequence(
      sequenceOf(
        SOURCE.replace(
          'What made you look for a tool like ours?\\n\\nJust reply.\\n\\nDana\\n"\n    variants',
          'No question here.\\n"\n    variants',
        ),
      ),
    );
    const a = inA.filter((f) => f.ruleId === 'one-question');
    assert.deepEqual(
      a.map((f) => [f.field, f.message.slice(0, 10)]),
      [['steps[0].body', 'variant a:']],
    );
  });

  it('renders the chosen variant', async () => {
    const sequence = sequenceOf(SOURCE);
    const contact = { email: 'lee@acme.example', company: 'Acme' };
    const b = await renderStep(sequence, 0, contact, 'b');
    assert.ok(b.ok && b.rendered.subject === 'A question about Acme', JSON.stringify(b));
    const c = await renderStep(sequence, 0, contact, 'c');
    assert.ok(c.ok && c.rendered.subject === 'Quick question' && c.rendered.text.includes('Which tool do you use today?'));
    const a = await renderStep(sequence, 0, contact);
    assert.ok(a.ok && a.rendered.text.includes('What made you look'));
  });
});

describe('chooseVariant', () => {
  const step = sequenceOf(SOURCE).steps[0];
  assert.ok(step);

  it('is the same for an enrollment and step every time, and none for a step without variants', () => {
    for (let i = 0; i < 50; i += 1) assert.equal(chooseVariant(step, `e${i}`)?.id, chooseVariant(step, `e${i}`)?.id);
    const nudge = sequenceOf(SOURCE).steps[1];
    assert.ok(nudge);
    assert.equal(chooseVariant(nudge, 'e1'), undefined);
  });

  it('follows the weights (1:1:2) over many enrollments', () => {
    const counts = new Map<string, number>();
    const n = 8000;
    for (let i = 0; i < n; i += 1) {
      const id = chooseVariant(step, `enr-${i}`)?.id ?? '?';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // Expected 2000/2000/4000; 4 standard deviations (about 160) either side.
    for (const [id, expected] of [
      ['a', 2000],
      ['b', 2000],
      ['c', 4000],
    ] as const) {
      const got = counts.get(id) ?? 0;
      assert.ok(Math.abs(got - expected) < 180, `${id}: ${got} of ${n}, expected about ${expected}`);
    }
  });
});
