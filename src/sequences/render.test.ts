import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, isParleyError } from '../errors.ts';
import { formatProblem, parseSequence, renderStep, type Sequence } from './index.ts';

function sequenceOf(steps: string): Sequence {
  const source = `id: demo\nname: Demo\nsender: { name: Dana, address: dana@parley.example }\nsteps:\n${steps}`;
  const result = parseSequence(source, 'sequences/demo.yaml');
  assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
  return result.sequence;
}

const demo = sequenceOf(`  - id: hello
    subject: "Quick question, {{ first_name | default: 'there' }}"
    body: |
      Hi {{ first_name | default: "there" }}{% if company %} at {{ company }}{% endif %},
      how is {{ plan | default: "your trial" }} going for {{ email }}?
  - id: nudge
    wait: 3 days
    body: "Just checking in, {{ first_name | default: 'there' }}."
  - id: fresh-start
    wait: 4 days
    subject: "A different idea for {{ company | default: 'your team' }}"
    body: One more question.
`);

describe('renderStep', () => {
  it('fills contact fields, including custom ones', async () => {
    const contact = { email: 'sam@acme.example', firstName: 'Sam', company: 'Acme', fields: { plan: 'the Pro plan' } };
    assert.deepEqual(await renderStep(demo, 0, contact), {
      subject: 'Quick question, Sam',
      text: 'Hi Sam at Acme,\nhow is the Pro plan going for sam@acme.example?\n',
      isReply: false,
    });
  });

  it('falls back to defaults when the contact has no such fields', async () => {
    const rendered = await renderStep(demo, 0, { email: 'x@y.example', firstName: '' });
    assert.equal(rendered.subject, 'Quick question, there');
    assert.equal(rendered.text, 'Hi there,\nhow is your trial going for x@y.example?\n');
  });

  it('does not let custom fields shadow the standard names', async () => {
    const rendered = await renderStep(demo, 0, { email: 'x@y.example', fields: { first_name: 'Mallory', email: 'other@y.example' } });
    assert.equal(rendered.subject, 'Quick question, there');
    assert.match(rendered.text, /for x@y\.example\?/);
  });

  it('replies in the thread of step 0 when a later step has no subject', async () => {
    assert.deepEqual(await renderStep(demo, 1, { email: 'sam@acme.example', firstName: 'Sam' }), {
      subject: 'Re: Quick question, Sam',
      text: 'Just checking in, Sam.',
      isReply: true,
    });
  });

  it('starts a new thread when a later step has its own subject', async () => {
    const rendered = await renderStep(demo, 2, { email: 'sam@acme.example', company: 'Acme' });
    assert.deepEqual([rendered.subject, rendered.isReply], ['A different idea for Acme', false]);
  });

  it('keeps a subject on one line whatever the contact data holds', async () => {
    const rendered = await renderStep(demo, 2, { email: 'sam@acme.example', company: 'Acme\r\nBcc: everyone@example.com' });
    assert.equal(rendered.subject, 'A different idea for Acme Bcc: everyone@example.com');
  });

  it('throws TEMPLATE_RENDER_FAILED naming the sequence and step when rendering fails', async () => {
    const runaway = sequenceOf('  - id: loop\n    subject: Hi\n    body: "{% for i in (1..100000000) %}x{% endfor %}"\n');
    await assert.rejects(renderStep(runaway, 0, { email: 'a@b.example' }), (error: unknown) => {
      assert.ok(isParleyError(error, ErrorCodes.TEMPLATE_RENDER_FAILED));
      assert.match(error.message, /the body of step 0 \('loop'\) in sequence 'demo' \(sequences\/demo\.yaml\): memory alloc limit exceeded/);
      return true;
    });
  });

  it('throws TEMPLATE_RENDER_FAILED for a hand-built sequence whose template does not parse', async () => {
    const broken: Sequence = { ...demo, steps: [{ id: 'bad', index: 0, waitMs: 0, subject: '{{ oops', body: 'x' }] };
    await assert.rejects(renderStep(broken, 0, { email: 'a@b.example' }), (error: unknown) => {
      assert.ok(isParleyError(error, ErrorCodes.TEMPLATE_RENDER_FAILED));
      assert.match(error.message, /the subject of step 0 \('bad'\).*not closed/);
      return true;
    });
  });

  it('treats a step index the sequence does not have as a bug', async () => {
    await assert.rejects(renderStep(demo, 3, { email: 'a@b.example' }), RangeError);
  });
});
