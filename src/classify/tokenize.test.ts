import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { porterStem } from './bayes.ts';
import { tokenize } from './tokenize.ts';

function stems(text: string): string[] {
  return tokenize(text, porterStem).map((t) => t.stem);
}

describe('negation marking', () => {
  it('adds a negated stem for the words after a negation, in several languages', () => {
    assert.ok(stems('We are not interested.').includes('!intere'));
    assert.ok(stems('Kein Interesse').includes('!intere'));
    assert.ok(stems('Je ne suis pas intéressé').includes('!intére'));
    assert.ok(stems('No me interesa').includes('!intere'));
    assert.ok(stems('We do not need this.').includes('!need'));
    // The plain stem stays: the negated one is a feature beside it.
    assert.ok(stems('We are not interested.').includes('intere'));
  });

  it('stops at the end of the clause', () => {
    assert.deepEqual(stems('No, but ask me in March'), ['no', 'ask', 'march']);
    assert.ok(!stems('Not now. Interested later').includes('!intere'));
    assert.deepEqual(stems('Interested, tell me more'), ['intere', 'tell', 'more']);
  });
});
