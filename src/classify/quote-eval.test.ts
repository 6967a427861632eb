import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseInboundMessage } from '../inbound/inbound-message.ts';
import { evaluateQuoteStripping, loadQuoteFixtures } from './quote-eval.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/replies/', import.meta.url));

describe('quote stripping on real client messages (test/fixtures/replies)', () => {
  it('extracts the expected visible text from at least 90% of the fixtures', async () => {
    const fixtures = await loadQuoteFixtures(FIXTURES);
    assert.ok(fixtures.length >= 20, `${fixtures.length} fixtures`);
    const report = await evaluateQuoteStripping(fixtures, parseInboundMessage);
    console.log(`quote stripping: ${report.passed}/${report.total} (${report.score.toFixed(3)})`);
    for (const miss of report.misses)
      console.log(`miss ${miss.name}: expected ${JSON.stringify(miss.expected)}, got ${JSON.stringify(miss.actual)}`);
    assert.ok(report.score >= 0.9, `score ${report.score.toFixed(3)}`);
  });

  it('reads the replies of Thunderbird in Russian, Swedish Gmail, Lotus Notes and Hotmail, and answers between quotes', async () => {
    const added = ['gmail-sv', 'hotmail-html', 'inline-answers', 'lotus-notes', 'thunderbird-ru'];
    const fixtures = (await loadQuoteFixtures(FIXTURES)).filter((f) => added.includes(f.name));
    assert.equal(fixtures.length, added.length);
    const report = await evaluateQuoteStripping(fixtures, parseInboundMessage);
    assert.deepEqual(report.misses, []);
  });

  it('compares with whitespace normalised and reports each miss', async () => {
    const fixtures = [
      { name: 'same', source: Buffer.from('a'), expected: 'Yes,\n  Thursday.\n' },
      { name: 'different', source: Buffer.from('b'), expected: 'No.' },
    ];
    const report = await evaluateQuoteStripping(fixtures, async () => ({
      text: 'Yes, Thursday.\n\nOn Tue, Mar 3, 2026 at 10:12 AM Sam <s@x.com> wrote:\n> hi',
      html: undefined,
    }));
    assert.deepEqual(report, {
      total: 2,
      passed: 1,
      score: 0.5,
      misses: [{ name: 'different', expected: 'No.', actual: 'Yes, Thursday.' }],
    });
  });
});
