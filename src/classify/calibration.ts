/**
 * Platt scaling (Platt 1999) of the Bayes model's confidence: p = 1 / (1 + exp(-(a·logit(share) + b))),
 * where share is the winning label's share of the Bayes scores. Naive Bayes shares are far from
 * probabilities (its words are not independent, and balancing the labels shifts them), so a
 * threshold on the raw share means a different risk for every corpus. Fitted on predictions the
 * model made for replies it was not trained on, the mapped value is the chance the label is
 * right: "0.8" is right about 8 times in 10. Two parameters, monotonic (a > 0), so the order of
 * replies by confidence, and the label, stay what the model said.
 */
export interface PlattScaling {
  a: number;
  b: number;
}

/** The identity mapping, for models stored before calibration and corpora too small to fit one. */
export const UNCALIBRATED: PlattScaling = { a: 1, b: 0 };

/** Fewer out-of-sample predictions than this, or only right or only wrong ones, fit nothing. */
const MIN_PREDICTIONS = 30;

const EPSILON = 1e-6;

function logit(p: number): number {
  const q = Math.min(1 - EPSILON, Math.max(EPSILON, p));
  return Math.log(q / (1 - q));
}

export function calibrate(scaling: PlattScaling, share: number): number {
  // The identity exactly: a stored model without calibration reports the shares it always did.
  if (scaling.a === 1 && scaling.b === 0) return share;
  return 1 / (1 + Math.exp(-(scaling.a * logit(share) + scaling.b)));
}

/**
 * Logistic regression of "right" on logit(share), by Newton's method, with Platt's smoothed targets
 * ((n+ + 1) / (n+ + 2) for a right one, 1 / (n- + 2) for a wrong one) so a separable set does not
 * drive the slope to infinity. Returns UNCALIBRATED when it cannot fit a rising curve.
 */
export function fitPlattScaling(predictions: ReadonlyArray<{ share: number; right: boolean }>): PlattScaling {
  const positives = predictions.filter((p) => p.right).length;
  const negatives = predictions.length - positives;
  if (predictions.length < MIN_PREDICTIONS || positives === 0 || negatives === 0) return UNCALIBRATED;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const points = predictions.map((p) => ({ x: logit(p.share), t: p.right ? hi : lo }));
  let a = 1;
  let b = 0;
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (const { x, t } of points) {
      const p = 1 / (1 + Math.exp(-(a * x + b)));
      const w = p * (1 - p);
      ga += (p - t) * x;
      gb += p - t;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 ? { a, b } : UNCALIBRATED;
}
