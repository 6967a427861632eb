// The reply classifier: a reply's own words, then what they mean.
export type {
  BounceReason,
  BounceVerdict,
  Classification,
  Intent,
  NamedContact,
  QualificationSignals,
  ReplyAnalysis,
  ReplyToClassify,
  ReportPart,
} from './types.ts';
export { INTENTS, isIntent } from './intents.ts';
export { BOUNCE_REASON_GROUPS, bounceReason, type BounceReasonGroup } from './bounce-reasons.ts';
export { analyzeReply, answerQuestion, type AnalyzeContext } from './analyze.ts';
export { extractVisibleText } from './visible-text.ts';
export { classifyReply, CONFIDENCE_THRESHOLD } from './intent.ts';
export { outOfOfficeReturnDate } from './return-date.ts';
export { dateNamedInReply, type NamedDate } from './named-date.ts';
export { IntentModel, type ModelInfo, type Prediction, type TrainingExample } from './model.ts';
export { defaultIntentModel } from './model-verdict.ts';
export { TRAINING_CORPUS } from './corpus.ts';
export { isHeldOut, splitCorpus, type CorpusSplit } from './corpus-split.ts';
export {
  evaluate,
  evaluationSet,
  expectedCalibrationError,
  parseLabeledReplies,
  type EvaluationReport,
  type IntentMetrics,
} from './eval.ts';
export { evaluateQuoteStripping, loadQuoteFixtures, type QuoteFixture, type QuoteStripReport } from './quote-eval.ts';
export type { Objection } from './objection.ts';
