import { porterStem, trainBayes, type BayesModel } from './bayes.ts';
import { bayesScorer, type LabelScore } from './bayes-scores.ts';
import { calibrate, fitPlattScaling, UNCALIBRATED, type PlattScaling } from './calibration.ts';
import { tokenize } from './tokenize.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import type { Intent } from './types.ts';

export interface Prediction {
  intent: Intent;
  /**
   * 0..1: how likely `intent` is right, the winning label's share of the Bayes scores mapped by
   * the model's Platt scaling (calibration.ts), fitted when it was trained.
   */
  confidence: number;
  /** The winning label's share of the Bayes scores, before calibration. */
  share: number;
  /** Words of the reply that pull hardest towards `intent`, as written in the reply. */
  strongestWords: string[];
  /** False when no word of the reply occurs in the training corpus. */
  knownWords: boolean;
}

export interface TrainingExample {
  text: string;
  intent: Intent;
}

/** What a stored model says about itself. */
export interface ModelInfo {
  /** Format of the serialised model; fromJSON refuses others. */
  version: number;
  /** Training replies (before balancing). */
  corpusSize: number;
  /** ISO 8601. */
  trainedAt: string;
}

const FORMAT = 'parley-intent-model';
const VERSION = 1;

/**
 * Only the first known words are scored. The intent of a reply is stated early, and Bayes
 * multiplies one probability per distinct word (each at least ~1/50 here): 100 of them stay far
 * above the smallest double, so the scores never all underflow to 0 before they are normalised.
 */
const MAX_TOKENS = 100;

/**
 * The calibration is fitted on predictions for replies the scoring model did not train on: the
 * training replies in this many folds, each scored by a model of the others (as scikit-learn's
 * CalibratedClassifierCV does). Three keeps training at start quick (four small models, not one).
 */
const CALIBRATION_FOLDS = 3;

type Counts = Record<string, number>;

/**
 * natural's naive Bayes (reproduced without natural, src/classify/bayes.ts) over Parley's tokens,
 * with the per-label document counts that explain a prediction. Serialises to one JSON string
 * (natural's classifier format inside, so older stored models load), because FerretDB
 * refuses the nested arrays a structured document of it would contain.
 */
export class IntentModel {
  readonly info: ModelInfo;
  readonly #bayes: BayesModel;
  /** Per stem: in how many training replies of each label it occurs. */
  readonly #docFrequency: Map<string, Counts>;
  readonly #docsPerLabel: Counts;
  /** natural's scores from the reply's words alone (natural walks its whole vocabulary per reply). */
  readonly #scores: (stems: readonly string[]) => LabelScore[];
  readonly #calibration: PlattScaling;

  private constructor(
    info: ModelInfo,
    bayes: BayesModel,
    docFrequency: Map<string, Counts>,
    docsPerLabel: Counts,
    calibration: PlattScaling,
  ) {
    this.info = info;
    this.#calibration = calibration;
    this.#bayes = bayes;
    this.#scores = bayesScorer(bayes);
    this.#docFrequency = docFrequency;
    this.#docsPerLabel = docsPerLabel;
  }

  static train(examples: ReadonlyArray<TrainingExample>, trainedAt: Date = new Date()): IntentModel {
    const docs = examples.map(({ text, intent }) => ({ intent, stems: [...new Set(tokenize(text, porterStem).map((t) => t.stem))] }));
    const docFrequency = new Map<string, Counts>();
    const docsPerLabel: Counts = {};
    for (const { intent, stems } of docs) {
      docsPerLabel[intent] = (docsPerLabel[intent] ?? 0) + 1;
      for (const stem of stems) {
        const perLabel = docFrequency.get(stem) ?? {};
        perLabel[intent] = (perLabel[intent] ?? 0) + 1;
        docFrequency.set(stem, perLabel);
      }
    }
    const bayes = trainBayes(balanced(docs).map(({ intent, stems }) => ({ stems, label: intent })));
    const info = { version: VERSION, corpusSize: examples.length, trainedAt: trainedAt.toISOString() };
    return new IntentModel(info, bayes, docFrequency, docsPerLabel, fitPlattScaling(outOfFoldShares(docs)));
  }

  predict(text: string): Prediction {
    // Words the corpus never saw are no feature of the model: they change no score.
    const known = tokenize(text, porterStem).filter((t) => this.#docFrequency.has(t.stem));
    const stems = [...new Set(known.map((t) => t.stem))].slice(0, MAX_TOKENS);
    if (stems.length === 0) return NOTHING_KNOWN;

    const scores = this.#scores(stems);
    const total = scores.reduce((sum, s) => sum + s.value, 0);
    const top = scores[0];
    if (!top || !(total > 0)) return NOTHING_KNOWN;

    const intent = top.label as Intent; // labels are the training examples' intents, see train()
    const share = top.value / total;
    const ranked = known
      .map((t) => ({ word: t.word, ratio: this.#favourRatio(t.stem, intent) }))
      .filter((w) => w.ratio > 1)
      .sort((a, b) => b.ratio - a.ratio);
    const strongestWords = [...new Set(ranked.map((w) => w.word))].slice(0, 3);
    return { intent, confidence: calibrate(this.#calibration, share), share, strongestWords, knownWords: known.length > 0 };
  }

  /** One string: natural's classifier JSON and Parley's counts, with the model's info. */
  toJSON(): string {
    return JSON.stringify({
      format: FORMAT,
      ...this.info,
      docsPerLabel: this.#docsPerLabel,
      docFrequency: Object.fromEntries(this.#docFrequency),
      calibration: this.#calibration,
      // natural's classifier JSON had `docs` (emptied after training) and these two: the same shape.
      bayes: { classifier: this.#bayes.classifier, features: this.#bayes.features, docs: [] },
    });
  }

  /** Throws when the string is not a model toJSON wrote (another format version included): retrain then. */
  static fromJSON(json: string): IntentModel {
    const data: unknown = JSON.parse(json);
    if (!isStoredModel(data)) {
      throw new ParleyError(ErrorCodes.MODEL_INVALID, `Not a ${FORMAT} version ${VERSION}: retrain the model (parley classify train).`);
    }
    const bayes: BayesModel = { features: data.bayes.features, classifier: data.bayes.classifier };
    const info = { version: data.version, corpusSize: data.corpusSize, trainedAt: data.trainedAt };
    // Models stored before calibration keep their raw shares as confidence.
    const calibration = isPlattScaling(data.calibration) ? data.calibration : UNCALIBRATED;
    return new IntentModel(info, bayes, new Map(Object.entries(data.docFrequency)), data.docsPerLabel, calibration);
  }

  /**
   * How much more often a stem occurs in `intent`'s training replies than in the others', both as
   * smoothed document fractions: > 1 means the stem argues for `intent`.
   */
  #favourRatio(stem: string, intent: Intent): number {
    const perLabel = this.#docFrequency.get(stem) ?? {};
    const inLabel = perLabel[intent] ?? 0;
    const inAll = Object.values(perLabel).reduce((a, b) => a + b, 0);
    const labelDocs = this.#docsPerLabel[intent] ?? 0;
    const otherDocs = this.info.corpusSize - labelDocs;
    return (inLabel + 1) / (labelDocs + 1) / ((inAll - inLabel + 1) / (otherDocs + 1));
  }
}

interface StoredModel extends ModelInfo {
  format: string;
  docsPerLabel: Counts;
  docFrequency: Record<string, Counts>;
  calibration?: unknown;
  bayes: { classifier: BayesModel['classifier']; features: BayesModel['features'] };
}

function isStoredModel(data: unknown): data is StoredModel {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Partial<Record<keyof StoredModel, unknown>>;
  return (
    d.format === FORMAT &&
    d.version === VERSION &&
    typeof d.corpusSize === 'number' &&
    typeof d.trainedAt === 'string' &&
    isObject(d.docsPerLabel) &&
    isObject(d.docFrequency) &&
    isObject(d.bayes) &&
    isObject(d.bayes['classifier']) &&
    isObject(d.bayes['features'])
  );
}

function isPlattScaling(value: unknown): value is PlattScaling {
  return isObject(value) && typeof value['a'] === 'number' && value['a'] > 0 && typeof value['b'] === 'number';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The training replies with every label's replies repeated until all labels have as many as the
 * largest. natural's Bayes scores a word a label never saw as 1 / (that label's reply count + 1)
 * and ignores absent words, so without this every known word pulls towards the smallest labels
 * (measured on an earlier 149-reply corpus: leave-one-out accuracy 22%, nearly all "bounce").
 * With equal counts the labels compete on the share of their replies that contain each word.
 */
function balanced<T extends { intent: Intent }>(docs: readonly T[]): T[] {
  const byLabel = new Map<Intent, T[]>();
  for (const doc of docs) byLabel.set(doc.intent, [...(byLabel.get(doc.intent) ?? []), doc]);
  const target = Math.max(...[...byLabel.values()].map((group) => group.length));
  return [...byLabel.values()].flatMap((group) => Array.from({ length: target }, (_, i) => group[i % group.length]!));
}

const NOTHING_KNOWN: Prediction = { intent: 'unclear', confidence: 0, share: 0, strongestWords: [], knownWords: false };

/**
 * The winning share, and whether it won rightly, for every training reply, each scored by a model
 * trained (balanced, as the real one) on the folds it is not in. A reply's fold is its place
 * modulo the fold count: deterministic, and every label spread over the folds.
 */
function outOfFoldShares(docs: ReadonlyArray<{ intent: Intent; stems: string[] }>): Array<{ share: number; right: boolean }> {
  const shares: Array<{ share: number; right: boolean }> = [];
  for (let fold = 0; fold < CALIBRATION_FOLDS; fold++) {
    const train = docs.filter((_, i) => i % CALIBRATION_FOLDS !== fold);
    if (new Set(train.map((d) => d.intent)).size < 2) continue;
    const bayes = trainBayes(balanced(train).map(({ intent, stems }) => ({ stems, label: intent })));
    const scores = bayesScorer(bayes);
    docs.forEach((doc, i) => {
      // As predict(): only the words the scoring model knows; a reply with none gets no share.
      const known = doc.stems.filter((stem) => Object.hasOwn(bayes.features, stem)).slice(0, MAX_TOKENS);
      if (i % CALIBRATION_FOLDS !== fold || known.length === 0) return;
      const ranked = scores(known);
      const total = ranked.reduce((sum, s) => sum + s.value, 0);
      const top = ranked[0];
      if (top && total > 0) shares.push({ share: top.value / total, right: top.label === doc.intent });
    });
  }
  return shares;
}
