import { TRAINING_CORPUS } from './corpus.ts';
import { splitCorpus } from './corpus-split.ts';
import { IntentModel } from './model.ts';
import { shortReplyIntent } from './short-replies.ts';
import type { Classification, Intent } from './types.ts';

/**
 * Below this calibrated confidence (the chance the model's label is right, calibration.ts) the
 * model's guess is reported as `unclear`, so a person reads the reply instead of acting on a
 * guess: a label is given when it is more likely right than wrong. (Before calibration this was a
 * threshold on the raw Bayes share, which meant a different risk for every corpus.)
 * `parley classify eval` shows the rates and the calibration error on today's held-out set.
 */
export const CONFIDENCE_THRESHOLD = 0.5;

/**
 * Intents only a rule may give. Both end the conversation for good, and the model confuses them
 * with people: "don't stop emailing me" has every word of an unsubscribe, "your message was read"
 * most words of a bounce. The corpus still has examples of both, so such replies reach a person
 * as "unclear" instead of being taken for another intent.
 */
const RULE_ONLY: ReadonlySet<Intent> = new Set(['unsubscribe', 'bounce']);

let defaultModel: IntentModel | undefined;

/**
 * The model Parley uses unless given another: trained on first use (~0.5-1 s: the model and the three fold models its calibration is fitted on) on the training part
 * of the built-in corpus only. The held-out part (corpus-split.ts) is never trained on, so
 * `parley classify eval` measures replies this model has not seen.
 */
export function defaultIntentModel(): IntentModel {
  defaultModel ??= IntentModel.train(splitCorpus(TRAINING_CORPUS).train);
  return defaultModel;
}

/** The model's label for a person's words, or `unclear` when it is unsure or knows none of them. */
export function modelClassification(model: IntentModel, text: string): Classification {
  if (!text.trim()) return unclear(1, 'empty reply: no words of its own');
  // A bare "yes pls" or "no thanks" is clear to anyone, though a word or two gives the model little.
  const short = shortReplyIntent(text);
  if (short) return short;
  const prediction = model.predict(text);
  const guess = `${prediction.intent} (${prediction.confidence.toFixed(2)})`;
  if (!prediction.knownWords) return unclear(0, 'model: none of the words is in its training corpus');
  if (prediction.confidence < CONFIDENCE_THRESHOLD) {
    return unclear(prediction.confidence, `model unsure: best guess ${guess}, threshold ${CONFIDENCE_THRESHOLD}`);
  }
  if (RULE_ONLY.has(prediction.intent)) {
    return unclear(prediction.confidence, `model: ${guess} but no ${prediction.intent} rule matched; left to a person`);
  }
  const words = prediction.strongestWords.length ? prediction.strongestWords.join(', ') : 'none';
  return { intent: prediction.intent, confidence: prediction.confidence, explanation: `model: ${guess}; strongest words: ${words}` };
}

function unclear(confidence: number, explanation: string): Classification {
  return { intent: 'unclear', confidence, explanation };
}
