import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { TRAINING_CORPUS } from './corpus.ts';
import { splitCorpus } from './corpus-split.ts';
import { IntentModel } from './model.ts';

const trainedAt = new Date('2026-03-01T00:00:00Z');

describe('IntentModel', () => {
  const { train, test } = splitCorpus(TRAINING_CORPUS);
  const model = IntentModel.train(train, trainedAt);

  it('round-trips through one JSON string with identical predictions', () => {
    const json = model.toJSON();
    assert.equal(typeof json, 'string');
    const restored = IntentModel.fromJSON(json);
    assert.deepEqual(restored.info, { version: 1, corpusSize: train.length, trainedAt: '2026-03-01T00:00:00.000Z' });
    const texts = [...test.map((e) => e.text), 'asdf qwer', '', 'Yes, Thursday at 2pm?'];
    for (const text of texts) assert.deepEqual(restored.predict(text), model.predict(text), text);
    assert.equal(restored.toJSON(), json);
  });

  it('stores no nested arrays, which FerretDB refuses, and stays small', () => {
    const json = model.toJSON();
    assert.ok(json.length < 200_000, `${json.length} characters`);
    const parsed: unknown = JSON.parse(json);
    assert.equal(typeof parsed, 'object');
  });

  it('refuses what toJSON did not write', () => {
    for (const json of ['{}', '[]', '"model"', JSON.stringify({ ...JSON.parse(model.toJSON()), version: 99 })]) {
      assert.throws(() => IntentModel.fromJSON(json), /retrain/);
    }
    assert.throws(() => IntentModel.fromJSON('not json'), SyntaxError);
  });

  it('predicts a known intent with its strongest words, and nothing from unknown words', () => {
    const known = model.predict('Not interested, thanks.');
    assert.equal(known.intent, 'not_interested');
    assert.ok(known.confidence > 0.5 && known.confidence <= 1);
    assert.ok(known.strongestWords.length > 0);
    assert.deepEqual(model.predict('zzzz qqqq'), { intent: 'unclear', confidence: 0, share: 0, strongestWords: [], knownWords: false });
  });

  it('learns only what it is given', () => {
    const tiny = IntentModel.train([
      { text: 'yes let us talk', intent: 'interested' },
      { text: 'no thanks not for us', intent: 'not_interested' },
    ]);
    assert.equal(tiny.predict('let us talk').intent, 'interested');
    assert.equal(tiny.predict('not for us').intent, 'not_interested');
    assert.equal(tiny.info.corpusSize, 2);
  });
});
