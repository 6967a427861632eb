import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { BayesClassifier } from 'natural/lib/natural/classifiers/index.js';
import { bayesScorer } from './bayes-scores.ts';
import { TRAINING_CORPUS } from './corpus.ts';
import { tokenize } from './tokenize.ts';

// natural (a devDependency) is the reference: Parley's model reproduces its numbers without it.
describe('bayesScorer', () => {
  const bayes = new BayesClassifier();
  const stemsOf = (text: string) => [...new Set(tokenize(text, (word) => bayes.stemmer.stem(word)).map((t) => t.stem))];
  for (const { text, intent } of TRAINING_CORPUS) bayes.addDocument(stemsOf(text), intent);
  // Numbers as words too: an integer-like key comes first in an object's key order.
  bayes.addDocument(['40', 'seat', '2027'], 'question');
  bayes.train();
  const score = bayesScorer(bayes);

  it("gives natural's scores exactly, for the corpus and for replies it never saw", () => {
    const unseen = [
      'We are a team of 40 and want to start in 2027. What does it cost per seat?',
      'Please take me off this list.',
      'Bonjour, je suis absent jusqu’au 12 mars.',
      'zzz qqq',
      '',
    ];
    for (const text of [...TRAINING_CORPUS.map((e) => e.text), ...unseen]) {
      const stems = stemsOf(text);
      assert.deepEqual(score(stems), bayes.getClassifications(stems), JSON.stringify(text));
    }
  });

  it('ignores repeated words and words outside the vocabulary, as natural does', () => {
    assert.deepEqual(score(['price', 'price', 'nowordlikethis']), bayes.getClassifications(['price', 'nowordlikethis']));
  });
});
