/** The sequence contract other parts of Parley code against (re-exported by index.ts). */

export interface SequenceSender {
  name: string;
  /** Lower-cased, validated as an email address. */
  address: string;
}

export interface SequenceStep {
  /** Stable across edits so enrollments keep their place; /^[a-z0-9][a-z0-9-]*$/, unique in the file. */
  id: string;
  /** 0-based position in the sequence. */
  index: number;
  /** Milliseconds to wait after the previous step was sent; for step 0, after enrollment (default 0). */
  waitMs: number;
  /** Liquid template. Required on step 0; on later steps undefined means "reply in the same thread". */
  subject: string | undefined;
  /** Liquid template for the plain-text body. */
  body: string;
}

export interface Sequence {
  id: string;
  name: string;
  /** The path the sequence was loaded from (or the name given to parseSequence). */
  file: string;
  sender: SequenceSender;
  steps: readonly SequenceStep[];
}

export interface SequenceProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Path of the offending field, like "steps[1].wait"; "" for the file as a whole. */
  field: string;
  message: string;
}

export type SequenceLoadResult = { ok: true; sequence: Sequence } | { ok: false; problems: SequenceProblem[] };

/** Contact fields available to templates as {{ first_name }}, {{ last_name }}, {{ company }}, {{ email }} plus any custom string fields. */
export interface TemplateContact {
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  company?: string | undefined;
  fields?: Readonly<Record<string, string>> | undefined;
}

export interface RenderedStep {
  subject: string;
  text: string;
  /** True when the step answers the thread started by step 0 (subject "Re: …"). */
  isReply: boolean;
}
