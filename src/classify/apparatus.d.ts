// apparatus ships no type declarations (and has no @types package). Its Bayes module is imported
// alone: the package's index also loads the logistic regression and k-means code (sylvester).
declare module 'apparatus/lib/apparatus/classifier/bayes_classifier.js' {
  export default class BayesClassifier {
    constructor(smoothing?: number);
    classFeatures: Record<string, Record<string, number>>;
    classTotals: Record<string, number>;
    totalExamples: number;
    smoothing: number;
    /** A dense 0/1 vector over the vocabulary (a sparse object form exists but leaks a global). */
    addExample(observation: readonly number[], label: string): void;
    train(): void;
    getClassifications(observation: readonly number[]): Array<{ label: string; value: number }>;
  }
}
