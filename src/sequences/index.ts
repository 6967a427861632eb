// Sequences: load and validate YAML sequence files, render and lint their steps. Pure: no drivers.
export type {
  ConfigurableIntent,
  Qualification,
  RenderedStep,
  ReferralRule,
  ReplyOutcome,
  SendingPolicy,
  Sequence,
  SequenceLoadResult,
  SequenceProblem,
  SequenceSender,
  SequenceStep,
  StepRendering,
  StepVariant,
  StepWait,
  TemplateContact,
  UnfillableStep,
  Weekday,
} from './types.ts';
export { isConfigurableIntent } from './schema-outcomes.ts';
export { parseSequence } from './parse.ts';
export { SequenceCatalog } from './catalog.ts';
export { poolProblems, sendersOf } from './pool.ts';
export { listSequenceFiles, loadSequenceFile, loadSequenceFiles, loadSequences, type LoadedSequences } from './load.ts';
export { formatProblem, SequenceInvalidError } from './problems.ts';
export { renderStep, templateVariables } from './render.ts';
export { chooseVariant, variantStep } from './variants.ts';
export { positionOf } from './positions.ts';
export { DEFAULT_OPT_OUT_SENTENCE } from './schema-policy.ts';
export { LINT_RULES, lintSequence, type LintFinding, type LintLevel, type LintOptions, type LintRuleId } from './lint/index.ts';
export { describeLintFindings, lintVerdict, withoutLintErrors, type LintVerdict } from './lint/gate.ts';
export { lintPaths, type LintExtension, type LintPathsOptions, type LintPathsResult } from './lint/files.ts';
export { Locator, type Path } from './locator.ts';
export { parseYamlFile, type YamlFileResult } from './yaml-file.ts';
export { parseWait } from './wait.ts';
