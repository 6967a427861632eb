// The naive Bayes of natural's BayesClassifier without natural: natural's package also installs
// mongoose, pg, redis and WordNet (77 MB) for storage back-ends and lexicons Parley never loads.
// Its BayesClassifier is a thin wrapper (a vocabulary, 0/1 vectors over it) around apparatus's,
// the NaturalNode project's own package, which holds the counts; its stemmer is Martin Porter's
// 1980 algorithm, which the `stemmer` package implements. bayes.test.ts checks the trained model
// against natural's, number for number, on the corpus.
import ApparatusBayesClassifier from 'apparatus/lib/apparatus/classifier/bayes_classifier.js';
import { stemmer } from 'stemmer';

/** apparatus's counts: per label, per vocabulary index, the smoothed number of documents that have the word. */
export interface BayesCounts {
  classFeatures: Record<string, Record<string, number>>;
  classTotals: Record<string, number>;
  totalExamples: number;
  smoothing: number;
}

/**
 * A trained classifier in natural's JSON shape (`classifier`, `features`), so models stored by
 * earlier versions, which held natural's BayesClassifier itself, still load.
 */
export interface BayesModel {
  /** Vocabulary: stem -> occurrences in training. A stem's index is its place in the key order. */
  features: Record<string, number>;
  classifier: BayesCounts;
}

export interface BayesDocument {
  /** Distinct stems (a repeated stem counts once, as in natural's 0/1 vectors). */
  stems: readonly string[];
  label: string;
}

/** Martin Porter's stemmer, as natural's BayesClassifier applies it by default. */
export function porterStem(word: string): string {
  return stemmer(word);
}

/** Trains as natural's `addDocument(stems, label)` for each document, then `train()`. */
export function trainBayes(documents: Iterable<BayesDocument>): BayesModel {
  const features: Record<string, number> = {};
  const kept: BayesDocument[] = [];
  for (const doc of documents) {
    if (doc.stems.length === 0) continue; // natural ignores empty documents
    kept.push({ stems: doc.stems, label: doc.label.trim() });
    for (const stem of doc.stems) features[stem] = (features[stem] ?? 0) + 1;
  }
  // The vector index of a stem is its place in the features object's key order, as natural's
  // `for (const feature in this.features)` walks it (integer-like keys first, then insertion order).
  const vocabulary = Object.keys(features);
  const counts = new ApparatusBayesClassifier();
  for (const { stems, label } of kept) {
    const present = new Set(stems);
    counts.addExample(
      vocabulary.map((stem) => (present.has(stem) ? 1 : 0)),
      label,
    );
  }
  counts.train();
  const { classFeatures, classTotals, totalExamples, smoothing } = counts;
  return { features, classifier: { classFeatures, classTotals, totalExamples, smoothing } };
}
