import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { TRAINING_CORPUS } from './corpus.ts';
import { isHeldOut, splitCorpus } from './corpus-split.ts';
import { readFileSync } from 'node:fs';
import { evaluate, evaluationSet, parseLabeledReplies } from './eval.ts';
import { INTENTS } from './intents.ts';
import { defaultIntentModel } from './model-verdict.ts';
import { IntentModel } from './model.ts';

describe('held-out split', () => {
  it('is deterministic, disjoint and about a fifth of each large intent', () => {
    const { train, test } = splitCorpus(TRAINING_CORPUS);
    assert.equal(train.length + test.length, TRAINING_CORPUS.length);
    const trainTexts = new Set(train.map((e) => e.text));
    for (const example of test) assert.ok(!trainTexts.has(example.text), example.text);
    assert.deepEqual(
      splitCorpus([...TRAINING_CORPUS].reverse())
        .test.map((e) => e.text)
        .sort(),
      test.map((e) => e.text).sort(),
    );
    assert.equal(
      isHeldOut('Yes, happy to chat. How about Thursday at 2pm?'),
      isHeldOut('  yes, happy to chat. how about thursday at 2pm?'),
    );
    const share = test.length / TRAINING_CORPUS.length;
    assert.ok(share > 0.12 && share < 0.28, `held out ${share.toFixed(2)}`);
  });

  it('the default model never saw a held-out reply', () => {
    const { train } = splitCorpus(TRAINING_CORPUS);
    assert.equal(defaultIntentModel().info.corpusSize, train.length);
  });
});

describe('evaluate', () => {
  it('scores the default model on the held-out replies above a floor', () => {
    const report = evaluate(defaultIntentModel(), evaluationSet());
    console.log(
      `held-out: ${report.total} replies, accuracy ${report.accuracy.toFixed(3)}, macro F1 ${report.macroF1.toFixed(3)}, unclear rate ${report.unclearRate.toFixed(3)}, accuracy when labelled ${report.labelledAccuracy.toFixed(3)}`,
    );
    for (const m of report.perIntent)
      console.log(`${m.intent}: P ${m.precision.toFixed(2)} R ${m.recall.toFixed(2)} F1 ${m.f1.toFixed(2)} (n=${m.support})`);
    // Floors a little under today's figures (0.86 / 0.86 / 0.13 / 0.93): a regression fails here.
    assert.ok(report.accuracy >= 0.82, `accuracy ${report.accuracy}`);
    assert.ok(report.macroF1 >= 0.82, `macro F1 ${report.macroF1}`);
    assert.ok(report.unclearRate <= 0.18, `unclear rate ${report.unclearRate}`);
    assert.ok(report.labelledAccuracy >= 0.88, `accuracy when labelled ${report.labelledAccuracy}`);
    const unsubscribe = report.perIntent.find((m) => m.intent === 'unsubscribe');
    assert.ok(unsubscribe && unsubscribe.precision >= 0.99, `unsubscribe precision ${unsubscribe?.precision}`);
  });

  it('computes precision, recall, F1, the confusion matrix and the unclear rate', () => {
    const model = IntentModel.train([
      { text: 'yes let us talk', intent: 'interested' },
      { text: 'no thanks not for us', intent: 'not_interested' },
    ]);
    const report = evaluate(model, [
      { text: 'yes let us talk please', intent: 'interested' },
      { text: 'not for us', intent: 'not_interested' },
      { text: 'talk', intent: 'not_interested' },
      { text: 'zzzz', intent: 'interested' },
    ]);
    assert.equal(report.total, 4);
    assert.equal(report.accuracy, 0.5);
    assert.equal(report.unclearRate, 0.25);
    assert.deepEqual(report.confusion.labels, ['interested', 'not_interested', 'unclear']);
    assert.deepEqual(report.confusion.counts, [
      [1, 0, 1],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    const interested = report.perIntent.find((m) => m.intent === 'interested');
    assert.deepEqual(interested, { intent: 'interested', precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    assert.equal(report.misses.length, 2);
  });
});

describe('labeled sets', () => {
  it('reads JSON Lines and names the lines that are not a labeled reply', () => {
    const { examples, errors } = parseLabeledReplies(
      [
        '# comment',
        '{"intent":"question","text":"How much?"}',
        '',
        '{"intent":"maybe","text":"x"}',
        'not json',
        '{"intent":"unclear"}',
      ].join('\n'),
    );
    assert.deepEqual(examples, [{ intent: 'question', text: 'How much?' }]);
    assert.deepEqual(
      errors.map((e) => e.split(':')[0]),
      ['line 4', 'line 5', 'line 6'],
    );
  });

  it('the held-back set, written apart from the corpus, is whole and shares no reply with it', () => {
    const { examples, errors } = parseLabeledReplies(
      readFileSync(new URL('../../test/fixtures/intents/heldback.jsonl', import.meta.url), 'utf8'),
    );
    assert.deepEqual(errors, []);
    assert.ok(examples.length >= 150);
    const labels = new Set(examples.map((e) => e.intent));
    for (const intent of INTENTS) if (intent !== 'bounce') assert.ok(labels.has(intent), intent);
    const corpus = new Set(TRAINING_CORPUS.map((e) => e.text.trim().toLowerCase()));
    for (const { text } of examples) assert.ok(!corpus.has(text.trim().toLowerCase()), text);
  });
});
