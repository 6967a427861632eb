import { analyzeReply } from './analyze.ts';
import { TRAINING_CORPUS } from './corpus.ts';
import { splitCorpus } from './corpus-split.ts';
import { isIntent } from './intents.ts';
import type { IntentModel, TrainingExample } from './model.ts';
import type { Intent, ReplyToClassify } from './types.ts';

export interface IntentMetrics {
  intent: Intent;
  precision: number;
  recall: number;
  f1: number;
  /** Test replies with this label. */
  support: number;
}

export interface EvaluationReport {
  total: number;
  /** Share of replies given their expected label; `unclear` is wrong unless expected. */
  accuracy: number;
  /** Mean F1 over the labels the test set has. */
  macroF1: number;
  /** Share of replies answered `unclear`: they go to a person unlabelled. */
  unclearRate: number;
  /** Share right among the replies that got a label other than `unclear`. */
  labelledAccuracy: number;
  perIntent: IntentMetrics[];
  /**
   * Expected calibration error of the model's confidence (10 equal-width bins): the mean gap,
   * weighted by replies, between the confidence and the share right. Over the replies the model
   * scores (some word known), whatever the rules or the threshold then make of them.
   */
  calibrationError: number;
  /** confusion.counts[i][j]: replies expected labels[i], predicted labels[j]. */
  confusion: { labels: Intent[]; counts: number[][] };
  misses: Array<{ text: string; expected: Intent; predicted: Intent; explanation: string }>;
}

/**
 * The held-out part of the built-in corpus, which the default model never trains on. Bounces are
 * left out: they are recognised from the message (a DSN, a mailer-daemon sender), which a bare
 * text does not have, and the model may never return them.
 */
export function evaluationSet(): TrainingExample[] {
  return splitCorpus(TRAINING_CORPUS).test.filter((example) => example.intent !== 'bounce');
}

/** The reply around a bare text: a person's answer in a thread, no headers. */
function asReply(text: string): ReplyToClassify {
  return { subject: 'Re: Quick question', visibleText: text, headers: {}, fromAddress: 'lead@example.com', contentType: 'text/plain' };
}

/**
 * How the whole classifier (rules, then `model`, then the confidence threshold) labels a test set
 * of bare reply texts, as a person's answer in a thread: no headers, no DSN parts.
 */
export function evaluate(model: IntentModel, testSet: ReadonlyArray<TrainingExample>): EvaluationReport {
  const results = testSet.map(({ text, intent }) => {
    const { classification } = analyzeReply(asReply(text), { model });
    return { text, expected: intent, predicted: classification.intent, explanation: classification.explanation };
  });
  const labels = [...new Set(results.flatMap((r) => [r.expected, r.predicted]))].sort();
  const counts = labels.map((expected) =>
    labels.map((predicted) => results.filter((r) => r.expected === expected && r.predicted === predicted).length),
  );
  const expectedLabels = labels.filter((l) => results.some((r) => r.expected === l));
  const perIntent = expectedLabels.map((intent) => metricsFor(intent, results));
  const right = results.filter((r) => r.expected === r.predicted).length;
  const labelled = results.filter((r) => r.predicted !== 'unclear');
  const scored = testSet.flatMap(({ text, intent }) => {
    const prediction = model.predict(text);
    return prediction.knownWords ? [{ confidence: prediction.confidence, right: prediction.intent === intent }] : [];
  });
  return {
    total: results.length,
    accuracy: ratio(right, results.length),
    macroF1: ratio(
      perIntent.reduce((sum, m) => sum + m.f1, 0),
      perIntent.length,
    ),
    unclearRate: ratio(results.length - labelled.length, results.length),
    labelledAccuracy: ratio(labelled.filter((r) => r.expected === r.predicted).length, labelled.length),
    perIntent,
    calibrationError: expectedCalibrationError(scored),
    confusion: { labels, counts },
    misses: results.filter((r) => r.expected !== r.predicted),
  };
}

function metricsFor(intent: Intent, results: ReadonlyArray<{ expected: Intent; predicted: Intent }>): IntentMetrics {
  const truePositives = results.filter((r) => r.expected === intent && r.predicted === intent).length;
  const predicted = results.filter((r) => r.predicted === intent).length;
  const support = results.filter((r) => r.expected === intent).length;
  const precision = ratio(truePositives, predicted);
  const recall = ratio(truePositives, support);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { intent, precision, recall, f1, support };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** ECE over 10 equal-width confidence bins (Guo et al. 2017, "On Calibration of Modern Neural Networks"). */
export function expectedCalibrationError(predictions: ReadonlyArray<{ confidence: number; right: boolean }>, bins = 10): number {
  const sums = Array.from({ length: bins }, () => ({ n: 0, confidence: 0, right: 0 }));
  for (const { confidence, right } of predictions) {
    const bin = sums[Math.min(bins - 1, Math.floor(confidence * bins))];
    if (!bin) continue;
    bin.n += 1;
    bin.confidence += confidence;
    bin.right += right ? 1 : 0;
  }
  const gaps = sums.reduce((sum, b) => sum + Math.abs(b.confidence - b.right), 0);
  return ratio(gaps, predictions.length);
}

/**
 * A labeled set of replies in JSON Lines, one `{"intent": "...", "text": "..."}` a line (blank
 * lines and lines starting with # skipped), for `parley classify eval --set`. Lines that are no
 * such object come back as errors, by line number: a typo in a label must not silently shrink the set.
 */
export function parseLabeledReplies(jsonl: string): { examples: TrainingExample[]; errors: string[] } {
  const examples: TrainingExample[] = [];
  const errors: string[] = [];
  jsonl.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const example = labeledReply(trimmed);
    if (example) examples.push(example);
    else errors.push(`line ${i + 1}: expected {"intent": <intent>, "text": <string>}`);
  });
  return { examples, errors };
}

function labeledReply(line: string): TrainingExample | undefined {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { intent, text } = data as Record<string, unknown>;
  return isIntent(intent) && typeof text === 'string' ? { intent, text } : undefined;
}
