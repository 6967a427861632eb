import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { loadSequenceFile, parseSequence, type Sequence } from '../sequences/index.ts';
import { previewSequence } from './preview.ts';
import { simulateSequence } from './simulate.ts';

async function abSubject(): Promise<Sequence> {
  const loaded = await loadSequenceFile('test/fixtures/ab-sequences/ab-subject.yaml');
  assert.ok(loaded.ok, 'the ab-subject fixture loads');
  return loaded.sequence;
}

describe('preview and simulate with A/B variants', () => {
  it('preview shows every variant of a step with its weight, as the contact would get it', async () => {
    const sequence = await abSubject();
    const [step] = await previewSequence(
      sequence,
      { email: 'lee@acme.example', company: 'Acme' },
      { enrolledAt: new Date('2026-03-02T09:00:00Z'), messageIdDomain: undefined },
    );
    assert.ok(step?.kind === 'sent');
    assert.deepEqual(
      step.variants?.map((v) => [v.variantId, v.weight, v.totalWeight, v.subject]),
      [
        ['a', 1, 3, 'Quick question'],
        ['b', 2, 3, 'A question about Acme'],
      ],
    );
    assert.match(step.variants?.[1]?.text ?? '', /What made you look/);
  });

  it('simulate names the variant each contact gets, both variants across contacts', async () => {
    const sequence = await abSubject();
    const contacts = Array.from({ length: 30 }, (_, i) => ({ email: `sim${i}@acme.example`, company: 'Acme' }));
    const timelines = await simulateSequence(sequence, contacts, [], {
      start: new Date('2026-03-02T09:00:00Z'),
      getSequence: () => sequence,
    });
    const sent = [...timelines.values()].flatMap((t) => t.filter((e) => e.kind === 'sent').map((e) => e.detail));
    assert.equal(sent.length, 30);
    assert.ok(
      sent.some((d) => d === '"Quick question" (A/B variant a)'),
      sent.join('\n'),
    );
    assert.ok(
      sent.some((d) => d === '"A question about Acme" (A/B variant b)'),
      sent.join('\n'),
    );
  });
});

describe('preview of a sequence with a sender pool', () => {
  it('names every mailbox of the pool next to the From it shows', async () => {
    const parsed = parseSequence(
      `id: pool\nname: Pool\nsenders:\n  - { name: Dana, address: dana@mail.example }\n  - { name: Eli, address: eli@mail.example }\nsteps:\n  - id: hello\n    subject: Hi\n    body: "What brought you here?\\n\\nJust reply to this email."\n`,
      'sequences/pool.yaml',
    );
    assert.ok(parsed.ok);
    const [step] = await previewSequence(
      parsed.sequence,
      { email: 'lee@acme.example' },
      { enrolledAt: new Date('2026-03-02T09:00:00Z'), messageIdDomain: undefined },
    );
    assert.ok(step?.kind === 'sent');
    assert.deepEqual(
      step.headers.filter(([name]) => name.startsWith('From')),
      [
        ['From', 'Dana <dana@mail.example>'],
        ['From (sender pool)', 'one of dana@mail.example, eli@mail.example, chosen at the first email and kept for the thread'],
      ],
    );
  });
});
