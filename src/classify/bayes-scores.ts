import type { BayesModel } from './bayes.ts';

export interface LabelScore {
  label: string;
  value: number;
}

/**
 * natural's Bayes scores of a reply, from the words it has only. natural's getClassifications
 * builds a 0/1 vector over the whole vocabulary for every reply (a scan of the reply's words per
 * vocabulary word) and then walks that vector once per label: most of a reply's classification
 * time. This computes the same numbers, bit for bit: the same terms, added in the same order
 * (natural sums from the last vocabulary index down), labels in the same order, the same sort.
 * Build it once per trained model; the model must not be trained further afterwards.
 */
export function bayesScorer(bayes: BayesModel): (stems: readonly string[]) => LabelScore[] {
  // A vocabulary word's index is its place in the features object's key order, as natural's
  // `for (const feature in this.features)` walks it.
  const index = new Map(Object.keys(bayes.features).map((feature, i) => [feature, i]));
  const { classFeatures, classTotals, totalExamples, smoothing } = bayes.classifier;
  const labels = Object.keys(classFeatures);
  return (stems) => {
    const present = [...new Set(stems)].flatMap((stem) => index.get(stem) ?? []).sort((a, b) => b - a);
    const scores = labels.map((label) => {
      const counts = classFeatures[label] ?? {};
      const total = classTotals[label] ?? 0;
      let logSum = 0;
      for (const i of present) logSum += Math.log((counts[i] || smoothing) / total);
      return { label, value: (total / totalExamples) * Math.exp(logSum) };
    });
    return scores.sort((x, y) => y.value - x.value);
  };
}
