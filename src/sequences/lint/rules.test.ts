import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { sequenceOf } from '../testing.ts';
import { lintSequence } from './index.ts';

const GOOD_BODY =
  "Hi {{ first_name | default: 'there' }},\n\nI saw you signed up. What made you look for a tool like ours?\n\nJust reply to this email.\n\nDana\n";

/** A one-step sequence; each part can be swapped for the case under test. */
function source(parts: { subject?: string; body?: string; top?: string } = {}): string {
  return `id: demo
name: Demo
sender: { name: Dana, address: dana@parley.example }
${parts.top ?? ''}steps:
  - id: a
    subject: ${JSON.stringify(parts.subject ?? 'Quick question')}
    body: ${JSON.stringify(parts.body ?? GOOD_BODY)}
`;
}

/** The messages of one rule's findings, with their levels. */
function findings(ruleId: string, parts: Parameters<typeof source>[0] = {}): string[] {
  return lintSequence(sequenceOf(source(parts)))
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.level}: ${f.message}`);
}

function assertFinds(ruleId: string, parts: Parameters<typeof source>[0], ...expected: RegExp[]): void {
  const found = findings(ruleId, parts);
  assert.equal(found.length, expected.length, found.join('\n'));
  expected.forEach((pattern, i) => assert.match(found[i] ?? '', pattern));
}

describe('lint rules', () => {
  it('pass a sequence that follows the advice', () => {
    assert.deepEqual(lintSequence(sequenceOf(source())), []);
  });

  it('one-question: no question, or two', () => {
    assertFinds(
      'one-question',
      { body: 'I saw you signed up.\nJust reply.' },
      /^error: this email asks no question; end it with one clear question/,
    );
    assertFinds(
      'one-question',
      { body: 'Is it good? Is it fast?\nI read replies.' },
      /^error: this email asks 2 questions; keep the one that matters most/,
    );
    assert.deepEqual(findings('one-question', { body: 'Can I ask one thing? See https://x.example/?a=1 and reply.' }), []);
  });

  it('plain-text: HTML, markdown links, more than one URL', () => {
    assertFinds('plain-text', { body: 'I <b>really</b> wonder: why? Reply.' }, /^error: remove the HTML tag <b>/);
    assertFinds(
      'plain-text',
      { body: 'I wrote [a guide](https://x.example). Why? Reply.' },
      /^error: write the address out instead of markdown \[a guide\]/,
    );
    assertFinds(
      'plain-text',
      { body: 'I like https://a.example and www.b.example. Why? Reply.' },
      /^error: this email has 2 links; keep at most one/,
    );
    assert.deepEqual(findings('plain-text', { body: 'I wrote <dana@parley.example> a note at https://a.example. Why? Reply.' }), []);
  });

  it('first-person-short: speaks as "we", runs long', () => {
    assertFinds('first-person-short', { body: 'We at Acme wonder: why? Reply.' }, /^warn: write as one person \("I", "me", "my"\)/);
    const long = `I wonder: why? Reply. ${'word '.repeat(130)}`;
    assertFinds('first-person-short', { body: long }, /^warn: this email is 134 words; cut it to 125 or fewer/);
  });

  it('reply-worthy-subject: long, wordy, shouting, "!!", spam words', () => {
    assertFinds(
      'reply-worthy-subject',
      { subject: 'A subject line that goes on and on about every single thing we do' },
      /^warn: the subject is 65 characters; keep it to 60/,
      /^warn: the subject is 14 words; keep it to 9/,
    );
    assertFinds('reply-worthy-subject', { subject: 'Quick QUESTION' }, /write "QUESTION" in normal case/);
    assertFinds('reply-worthy-subject', { subject: 'Quick question!!' }, /drop the "!!"/);
    assertFinds('reply-worthy-subject', { subject: 'A free month for you' }, /reword "free"/);
    assertFinds('reply-worthy-subject', { subject: 'Save 100% today' }, /reword "100%"/);
    assert.deepEqual(findings('reply-worthy-subject', { subject: "Quick question, {{ first_name | default: 'there' }}" }), []);
  });

  it('reply-cta: no invitation to reply, a form or booking link', () => {
    assertFinds('reply-cta', { body: 'I wonder: why?\nDana' }, /^warn: invite a reply, e.g. "Just reply to this email"/);
    assertFinds(
      'reply-cta',
      { body: 'I wonder: why? Reply, or book at https://calendly.com/dana' },
      /^warn: replace https:\/\/calendly\.com\/dana with a question/,
    );
    assertFinds('reply-cta', { body: 'I wonder: why? Let me know at https://forms.gle/abc' }, /forms\.gle/);
    assert.deepEqual(findings('reply-cta', { body: 'I wonder: why? Write back whenever.' }), []);
  });

  it('opt-out: no sentence and no List-Unsubscribe', () => {
    assertFinds('opt-out', { top: 'opt_out: { sentence: "" }\n' }, /^error: this sequence offers no way out/);
    assert.deepEqual(findings('opt-out', { top: 'opt_out: { sentence: "", list_unsubscribe: true }\n' }), []);
  });

  it('known-variables: unknown names are errors, optional fields without fallback warnings', () => {
    assertFinds(
      'known-variables',
      { body: 'I wonder, {{ first_name }}: how is {{ plann }}? Reply.' },
      /^warn: contacts without first_name will skip this step: add a fallback/,
      /^error: \{\{ plann \}\} is not a contact field/,
    );
    assert.deepEqual(
      findings('known-variables', {
        body: 'I wonder, {{ email }}: how is {{ plan | default: "it" }}? {% if company %}{{ company }}{% endif %} Reply. {{ opt_out }}',
      }),
      [],
    );
  });

  it('sending-hours: at night, on weekends', () => {
    assertFinds(
      'sending-hours',
      { top: 'policy: { send_hours: { start: "06:00", end: "22:30" }, send_days: [mon, sun] }\n' },
      /^warn: sends between 06:00 and 22:30; keep send_hours within 07:00–21:00 local time: never at night/,
      /^warn: sends on Sundays; remove sat and sun/,
    );
    assert.deepEqual(findings('sending-hours', { top: 'policy: { send_hours: { start: "07:00", end: "21:00" } }\n' }), []);
  });
});
