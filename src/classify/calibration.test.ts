import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { calibrate, fitPlattScaling, UNCALIBRATED } from './calibration.ts';
import { TRAINING_CORPUS } from './corpus.ts';
import { splitCorpus } from './corpus-split.ts';
import { evaluate, evaluationSet, expectedCalibrationError } from './eval.ts';
import { defaultIntentModel } from './model-verdict.ts';
import { IntentModel } from './model.ts';

describe('calibrated confidence', () => {
  it('fits a rising curve that matches the share right at each share', () => {
    // Invented predictions: right 30% of the time at share 0.3, 60% at 0.5, 90% at 0.9.
    const predictions = [0.3, 0.5, 0.9].flatMap((share) => {
      const rightOf10 = share === 0.3 ? 3 : share === 0.5 ? 6 : 9;
      return Array.from({ length: 40 }, (_, i) => ({ share, right: i % 10 < rightOf10 }));
    });
    const scaling = fitPlattScaling(predictions);
    assert.ok(scaling.a > 0, `slope ${scaling.a}`);
    let previous = 0;
    for (let share = 0.05; share < 1; share += 0.05) {
      const p = calibrate(scaling, share);
      assert.ok(p > previous, `not rising at ${share}`);
      previous = p;
    }
    assert.ok(Math.abs(calibrate(scaling, 0.5) - 0.6) < 0.1, `${calibrate(scaling, 0.5)}`);
    assert.ok(expectedCalibrationError(predictions.map((p) => ({ confidence: calibrate(scaling, p.share), right: p.right }))) < 0.06);
  });

  it('fits nothing on too few or one-sided predictions', () => {
    assert.deepEqual(fitPlattScaling([{ share: 0.9, right: true }]), UNCALIBRATED);
    assert.deepEqual(fitPlattScaling(Array.from({ length: 50 }, () => ({ share: 0.7, right: true }))), UNCALIBRATED);
  });

  it("the default model's confidence on held-out replies is within 0.1 of the share it gets right", () => {
    const report = evaluate(defaultIntentModel(), evaluationSet());
    assert.ok(report.calibrationError <= 0.1, `ECE ${report.calibrationError}`);
  });

  it('travels with a stored model; a model stored without one keeps its raw shares', () => {
    const model = IntentModel.train(splitCorpus(TRAINING_CORPUS).train);
    const text = 'Could we talk on Thursday at 3pm?';
    const prediction = model.predict(text);
    assert.notEqual(prediction.confidence, prediction.share);
    assert.deepEqual(IntentModel.fromJSON(model.toJSON()).predict(text), prediction);
    const stored: Record<string, unknown> = JSON.parse(model.toJSON()) as Record<string, unknown>;
    delete stored['calibration'];
    const old = IntentModel.fromJSON(JSON.stringify(stored)).predict(text);
    assert.equal(old.confidence, old.share);
  });
});
