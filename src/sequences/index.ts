// Sequences: load and validate YAML sequence files, render their steps. Pure: no drivers.
export type {
  RenderedStep,
  Sequence,
  SequenceLoadResult,
  SequenceProblem,
  SequenceSender,
  SequenceStep,
  TemplateContact,
} from './types.ts';
export { parseSequence } from './parse.ts';
export { loadSequenceFile, loadSequences } from './load.ts';
export { formatProblem, SequenceInvalidError } from './problems.ts';
export { renderStep } from './render.ts';
