import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { templateVariables } from './index.ts';
import { sequenceOf } from './testing.ts';

/** name → hasFallback for one body. */
function variablesOf(body: string): Record<string, boolean> {
  const sequence = sequenceOf(
    `id: demo\nname: Demo\nsender: { name: Dana, address: dana@parley.example }\nsteps:\n  - id: a\n    subject: s\n    body: ${JSON.stringify(body)}\n`,
  );
  return Object.fromEntries(templateVariables(sequence).map((v) => [v.name, v.hasFallback]));
}

describe('templateVariables', () => {
  const cases: Array<[string, string, Record<string, boolean>]> = [
    ['a plain variable', 'Hi {{ first_name }},', { first_name: false }],
    ['a default filter', 'Hi {{ first_name | default: "there" }},', { first_name: true }],
    ['a default after other filters', '{{ company | upcase | default: "you" }}', { company: true }],
    ['a condition only', '{% if company %}hello{% endif %}', { company: true }],
    ['printing under its own if', '{% if company %}at {{ company }}{% endif %}', { company: true }],
    ['printing after the if', '{% if company %}x{% endif %}{{ company }}', { company: false }],
    ['an else branch', '{% if company %}x{% else %}{{ company }}{% endif %}', { company: false }],
    [
      '"and" and "!= blank" guards',
      '{% if first_name != blank and company %}{{ first_name }} {{ company }}{% endif %}',
      { first_name: true, company: true },
    ],
    ['"!= \'\'", which lets a missing value through', '{% if first_name != "" %}{{ first_name }}{% endif %}', { first_name: false }],
    ['unless … else', '{% unless first_name %}Hi{% else %}Hi {{ first_name }}{% endunless %}', { first_name: true }],
    ['one safe and one bare use', '{{ first_name | default: "x" }} {{ first_name }}', { first_name: false }],
    ['assign without fallback', '{% assign who = first_name %}{{ who }}', { first_name: false }],
    ['loop locals, which are not contact fields', '{% for i in (1..2) %}{{ i }}{{ plan }}{% endfor %}', { plan: false }],
    ['a filter argument', '{{ "a" | append: company }}', { company: false }],
  ];
  for (const [what, body, expected] of cases) {
    it(`reads ${what}`, () => assert.deepEqual(variablesOf(body), expected));
  }

  it('lists each step and field', () => {
    const sequence = sequenceOf(`id: demo\nname: Demo\nsender: { name: Dana, address: dana@parley.example }\nsteps:
  - id: a
    subject: "Hi {{ first_name }}"
    body: "{{ company | default: 'x' }}?"
  - id: b
    body: "{{ email }}"
`);
    assert.deepEqual(templateVariables(sequence), [
      { stepIndex: 0, field: 'subject', name: 'first_name', hasFallback: false },
      { stepIndex: 0, field: 'body', name: 'company', hasFallback: true },
      { stepIndex: 1, field: 'body', name: 'email', hasFallback: false },
    ]);
  });
});
