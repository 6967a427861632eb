import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ErrorCodes, isParleyError } from '../errors.ts';
import { DEFAULT_OPT_OUT_SENTENCE, renderStep, type RenderedStep, type Sequence, type TemplateContact } from './index.ts';
import { sequenceOf } from './testing.ts';

/** A sequence whose steps are `steps`; `optOut` is the opt_out line ('' keeps the default). */
function withSteps(steps: string, optOut = 'opt_out: { sentence: "", list_unsubscribe: true }\n'): Sequence {
  return sequenceOf(`id: demo\nname: Demo\nsender: { name: Dana, address: dana@parley.example }\n${optOut}steps:\n${steps}`);
}

async function rendered(sequence: Sequence, index: number, contact: TemplateContact): Promise<RenderedStep> {
  const result = await renderStep(sequence, index, contact);
  assert.ok(result.ok, result.ok ? '' : `unfillable: ${result.unfillable.missing.join(', ')}`);
  return result.rendered;
}

const demo = withSteps(`  - id: hello
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
    assert.deepEqual(await rendered(demo, 0, contact), {
      subject: 'Quick question, Sam',
      text: 'Hi Sam at Acme,\nhow is the Pro plan going for sam@acme.example?\n',
      isReply: false,
    });
  });

  it('falls back to defaults when the contact has no such fields, or only blanks', async () => {
    const result = await rendered(demo, 0, { email: 'x@y.example', firstName: '', company: '  ' });
    assert.equal(result.subject, 'Quick question, there');
    assert.equal(result.text, 'Hi there,\nhow is your trial going for x@y.example?\n');
  });

  it('does not let custom fields shadow the standard names', async () => {
    const result = await rendered(demo, 0, { email: 'x@y.example', fields: { first_name: 'Mallory', email: 'other@y.example' } });
    assert.equal(result.subject, 'Quick question, there');
    assert.match(result.text, /for x@y\.example\?/);
  });

  it('replies in the thread of step 0 when a later step has no subject', async () => {
    assert.deepEqual(await rendered(demo, 1, { email: 'sam@acme.example', firstName: 'Sam' }), {
      subject: 'Re: Quick question, Sam',
      text: 'Just checking in, Sam.',
      isReply: true,
    });
  });

  it('starts a new thread when a later step has its own subject', async () => {
    const result = await rendered(demo, 2, { email: 'sam@acme.example', company: 'Acme' });
    assert.deepEqual([result.subject, result.isReply], ['A different idea for Acme', false]);
  });

  it('keeps a subject on one line whatever the contact data holds', async () => {
    const result = await rendered(demo, 2, { email: 'sam@acme.example', company: 'Acme\r\nBcc: everyone@example.com' });
    assert.equal(result.subject, 'A different idea for Acme Bcc: everyone@example.com');
  });

  it('throws TEMPLATE_RENDER_FAILED naming the sequence and step when rendering fails', async () => {
    const runaway = withSteps('  - id: loop\n    subject: Hi\n    body: "{% for i in (1..100000000) %}x{% endfor %}"\n');
    await assert.rejects(renderStep(runaway, 0, { email: 'a@b.example' }), (error: unknown) => {
      assert.ok(isParleyError(error, ErrorCodes.TEMPLATE_RENDER_FAILED));
      assert.match(
        error.message,
        /the body of step 0 \('loop'\) in sequence 'demo' \(sequences\/demo\.yaml\): memory alloc limit exceeded/,
      );
      return true;
    });
  });

  it('throws TEMPLATE_RENDER_FAILED for a hand-built sequence whose template does not parse', async () => {
    const bad = {
      id: 'bad',
      index: 0,
      wait: { kind: 'duration', ms: 0 },
      subject: '{{ oops',
      body: 'x',
      asks: undefined,
      outcomes: {},
    } as const;
    await assert.rejects(renderStep({ ...demo, steps: [bad] }, 0, { email: 'a@b.example' }), (error: unknown) => {
      assert.ok(isParleyError(error, ErrorCodes.TEMPLATE_RENDER_FAILED));
      assert.match(error.message, /the subject of step 0 \('bad'\).*not closed/);
      return true;
    });
  });

  it('treats a step index the sequence does not have as a bug', async () => {
    await assert.rejects(renderStep(demo, 3, { email: 'a@b.example' }), RangeError);
  });
});

describe('renderStep with a variable that has no value', () => {
  const bare = withSteps(`  - id: hello
    subject: "For {{ first_name }}"
    body: "Hi {{ first_name }}, how is {{ plan }} at {{ company | default: 'work' }}?"
  - id: nudge
    body: "{% if company %}How is {{ company }}?{% endif %} Still there?"
`);

  it('skips the step, naming what is missing, instead of writing "Hi ,"', async () => {
    assert.deepEqual(await renderStep(bare, 0, { email: 'a@b.example', firstName: ' ' }), {
      ok: false,
      unfillable: { missing: ['first_name', 'plan'] },
    });
  });

  it('renders once every such variable has a value', async () => {
    const result = await rendered(bare, 0, { email: 'a@b.example', firstName: 'Kim', fields: { plan: 'Pro' } });
    assert.equal(result.text, 'Hi Kim, how is Pro at work?');
  });

  it("skips an in-thread step when step 0's subject can't be filled", async () => {
    assert.deepEqual(await renderStep(bare, 1, { email: 'a@b.example' }), { ok: false, unfillable: { missing: ['first_name'] } });
  });

  it('does not count a variable used only as a condition, or printed under its own if', async () => {
    const result = await rendered(bare, 1, { email: 'a@b.example', firstName: 'Kim' });
    assert.equal(result.text, ' Still there?');
  });
});

describe('the opt-out sentence', () => {
  const body = '    body: |\n      Hi,\n      any news?\n\n';

  it('is appended after a blank line by default', async () => {
    const sequence = withSteps(`  - id: a\n    subject: s\n${body}`, '');
    assert.equal((await rendered(sequence, 0, { email: 'a@b.example' })).text, `Hi,\nany news?\n\n${DEFAULT_OPT_OUT_SENTENCE}\n`);
  });

  it('goes where the body places {{ opt_out }}, and only there', async () => {
    const sequence = withSteps(
      '  - id: a\n    subject: s\n    body: "Any news?\\n\\n{{ opt_out }}\\nDana"\n',
      'opt_out: { sentence: "Reply stop to stop." }\n',
    );
    assert.equal((await rendered(sequence, 0, { email: 'a@b.example' })).text, 'Any news?\n\nReply stop to stop.\nDana');
  });

  it('is left out when the file turns it off', async () => {
    const sequence = withSteps(`  - id: a\n    subject: s\n${body}`);
    assert.equal((await rendered(sequence, 0, { email: 'a@b.example' })).text, 'Hi,\nany news?\n');
  });
});
