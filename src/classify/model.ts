// The classifiers module alone: natural's main entry loads mongoose, pg and redis and reads any
// .env in the working directory. The explicit `/index.js` is needed because Node's ESM resolver
// (and tsc under NodeNext) refuse directory imports; its types are the index.d.ts beside it.
import { BayesClassifier } from 'natural/lib/natural/classifiers/index.js';
import { TRAINING_CORPUS } from './corpus.ts';
import type { Intent } from './types.ts';

export interface Prediction {
  intent: Intent;
  /** 0..1: the winning label's share of the Bayes scores of all labels. */
  confidence: number;
  /** Words of the reply that pull hardest towards `intent`, as written in the reply. */
  strongestWords: string[];
  /** False when no word of the reply occurs in the training corpus. */
  knownWords: boolean;
}

/**
 * Only the first known words are scored. The intent of a reply is stated early, and Bayes
 * multiplies one probability per distinct word (each at least ~1/50 here): 100 of them stay far
 * above the smallest double, so the scores never all underflow to 0 before they are normalised.
 */
const MAX_TOKENS = 100;
const QUESTION_MARK = '?';
/**
 * Words found in replies of every label: they carry no intent, only noise between labels (they
 * raised leave-one-out accuracy from 56% to 59% on an earlier corpus). natural's own stop word
 * list is not used: it drops "not", "now", "who" and "when", which carry the intent here.
 */
const STOP_WORDS = new Set([
  ...['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'is', 'are', 'be', 'it', 'this', 'that'],
  ...['i', 'we', 'you', 'our', 'your', 'my', 'us', 'would', 'will', 'can', 'do', 'have'],
  ...['de', 'la', 'le', 'les', 'el', 'los', 'der', 'die', 'das', 'und', 'et', 'y'],
]);

export interface Model {
  bayes: BayesClassifier;
  /** Per token: in how many training replies of each label it occurs. */
  docFrequency: Map<string, Map<Intent, number>>;
  docsPerLabel: Map<Intent, number>;
  totalDocs: number;
}

let defaultModel: Model | undefined;

/** The intent the model trained on TRAINING_CORPUS gives `text`; trains on the first call. */
export function predictIntent(text: string): Prediction {
  defaultModel ??= trainModel(TRAINING_CORPUS);
  return predictWith(defaultModel, text);
}

/** Exported for leave-one-out checks over the corpus; Parley itself uses predictIntent. */
export function trainModel(corpus: ReadonlyArray<{ text: string; intent: Intent }>): Model {
  // Its default stemmer is natural's Porter stemmer, reused for our own tokens: importing the
  // stemmers module instead would load every language's stemmer (~0.1 s).
  const bayes = new BayesClassifier();
  const docs = corpus.map(({ text, intent }) => ({ intent, stems: [...new Set(tokenize(text, bayes.stemmer).map((t) => t.stem))] }));
  const docFrequency = new Map<string, Map<Intent, number>>();
  const docsPerLabel = new Map<Intent, number>();
  for (const { intent, stems } of docs) {
    docsPerLabel.set(intent, (docsPerLabel.get(intent) ?? 0) + 1);
    for (const stem of stems) {
      const perLabel = docFrequency.get(stem) ?? new Map<Intent, number>();
      perLabel.set(intent, (perLabel.get(intent) ?? 0) + 1);
      docFrequency.set(stem, perLabel);
    }
  }
  for (const { intent, stems } of balanced(docs)) bayes.addDocument(stems, intent);
  bayes.train();
  return { bayes, docFrequency, docsPerLabel, totalDocs: docs.length };
}

export function predictWith(model: Model, text: string): Prediction {
  const { bayes, docFrequency } = model;
  // Words the corpus never saw are no feature of the model: they change no score.
  const known = tokenize(text, bayes.stemmer).filter((t) => docFrequency.has(t.stem));
  const stems = [...new Set(known.map((t) => t.stem))].slice(0, MAX_TOKENS);

  const scores = bayes.getClassifications(stems);
  const total = scores.reduce((sum, s) => sum + s.value, 0);
  const top = scores[0];
  if (!top || !(total > 0)) return { intent: 'unclear', confidence: 0, strongestWords: [], knownWords: false };

  const intent = top.label as Intent; // labels are the corpus's intents, see trainModel()
  const ranked = known
    .map((t) => ({ word: t.word, ratio: favourRatio(model, t.stem, intent) }))
    .filter((w) => w.ratio > 1)
    .sort((a, b) => b.ratio - a.ratio);
  const strongestWords = [...new Set(ranked.map((w) => w.word))].slice(0, 3);
  return { intent, confidence: top.value / total, strongestWords, knownWords: known.length > 0 };
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

/**
 * How much more often a token occurs in `intent`'s training replies than in the others', both as
 * smoothed document fractions: > 1 means the token argues for `intent`.
 */
function favourRatio({ docFrequency, docsPerLabel, totalDocs }: Model, stem: string, intent: Intent): number {
  const perLabel = docFrequency.get(stem);
  const inLabel = perLabel?.get(intent) ?? 0;
  const inAll = [...(perLabel?.values() ?? [])].reduce((a, b) => a + b, 0);
  const labelDocs = docsPerLabel.get(intent) ?? 0;
  const otherDocs = totalDocs - labelDocs;
  return ((inLabel + 1) / (labelDocs + 1)) / ((inAll - inLabel + 1) / (otherDocs + 1));
}

interface Token {
  /** As the classifier sees it: lower-cased and stemmed. */
  stem: string;
  /** As written, for explanations. */
  word: string;
}

/**
 * Lower-cased words in any script (natural's tokenizer keeps only a-z, which splits "désinscrire"
 * and "büro"), Porter-stemmed, plus a "?" token: a question mark is strong evidence of a question.
 */
function tokenize(text: string, stemmer: BayesClassifier['stemmer']): Token[] {
  const words = text.normalize('NFC').replace(/[’‘]/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  const tokens = words
    .filter((word) => !STOP_WORDS.has(word.toLowerCase()))
    .map((word) => ({ word, stem: stemmer.stem(word.toLowerCase().replace(/'/g, '')) }));
  if (text.includes(QUESTION_MARK) || text.includes('¿')) tokens.push({ word: QUESTION_MARK, stem: QUESTION_MARK });
  return tokens;
}
