import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { BayesClassifier } from 'natural/lib/natural/classifiers/index.js';
import { porterStem, trainBayes } from './bayes.ts';
import { TRAINING_CORPUS } from './corpus.ts';
import { IntentModel } from './model.ts';
import { tokenize } from './tokenize.ts';

// natural (a devDependency only) is the reference for what runs in production without it.
describe("Parley's Bayes against natural's", () => {
  const natural = new BayesClassifier();
  const naturalStem = (word: string) => natural.stemmer.stem(word);

  it("stems every word of the corpus as natural's Porter stemmer does", () => {
    // The words as tokenize hands them to the stemmer (its stems are cut to a few characters after).
    const words = new Set<string>();
    for (const { text } of TRAINING_CORPUS) tokenize(text, (word) => (words.add(word), word));
    assert.ok(words.size > 500, `${words.size} words`);
    const different = [...words].filter((w) => porterStem(w) !== naturalStem(w));
    assert.deepEqual(different, []);
  });

  it('trains the same model from the corpus: the same vocabulary in the same order, the same counts', () => {
    const stemsOf = (text: string) => [...new Set(tokenize(text, naturalStem).map((t) => t.stem))];
    // Numbers too (integer-like keys come first in an object's key order), a label with spaces
    // around it, and an empty document, which natural skips.
    const docs = [
      ...TRAINING_CORPUS.map(({ text, intent }) => ({ stems: stemsOf(text), label: intent })),
      { stems: ['40', 'seat', '2027'], label: ' question ' },
      { stems: [], label: 'question' },
    ];
    for (const { stems, label } of docs) natural.addDocument([...stems], label);
    natural.train();
    const ours = trainBayes(docs);
    assert.deepEqual(Object.keys(ours.features), Object.keys(natural.features));
    assert.deepEqual(ours.features, natural.features);
    assert.deepEqual(ours.classifier, { ...natural.classifier });
  });

  it("stores a model natural's BayesClassifier restores and scores alike", () => {
    const model = IntentModel.train(TRAINING_CORPUS, new Date('2026-01-01T00:00:00Z'));
    const stored = JSON.parse(model.toJSON()) as { bayes: Record<string, unknown> };
    const restored = BayesClassifier.restore(stored.bayes);
    const text = 'Yes please, send me the pricing for 40 seats?';
    const stems = [...new Set(tokenize(text, porterStem).map((t) => t.stem))];
    const [top] = restored.getClassifications(stems);
    const prediction = model.predict(text);
    assert.equal(prediction.intent, top?.label);
  });
});
