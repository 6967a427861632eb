import type { Sequence } from '../types.ts';

/**
 * Helpers that read a template's text the way the recipient will see it, without a contact:
 * tags vanish, a printed variable becomes its fallback (or its name), `{{ opt_out }}` vanishes.
 */
export function readableText(template: string, sequence?: Sequence): string {
  let text = template
    .replace(/\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g, '')
    .replace(/\{%-?\s*raw\s*-?%\}([\s\S]*?)\{%-?\s*endraw\s*-?%\}/g, '$1')
    .replace(/\{\{-?([\s\S]*?)-?\}\}/g, (_, inner: string) => placeholder(inner))
    .replace(/\{%-?[\s\S]*?-?%\}/g, '');
  // Someone may paste the opt-out sentence into a body; it is not part of the email's own text.
  const sentence = sequence?.optOut.sentence ?? '';
  if (sentence !== '') text = text.split(sentence).join('');
  return text;
}

function placeholder(expression: string): string {
  const fallback = /\|\s*default\s*:\s*(["'])(.*?)\1/.exec(expression);
  if (fallback) return fallback[2] ?? '';
  const name = /^\s*([A-Za-z_][\w-]*)/.exec(expression)?.[1] ?? '';
  return name === 'opt_out' ? '' : name;
}

const URL = /\b(?:https?:\/\/|www\.)[^\s<>()]+/gi;

export function urlsIn(text: string): string[] {
  return text.match(URL) ?? [];
}

/** Words as a reader counts them: runs of characters with at least one letter or digit. */
export function wordsIn(text: string): string[] {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** Sentences that end with a question mark (a "?" inside a URL or a word doesn't end one). */
export function questionsIn(text: string): number {
  return (text.replace(URL, ' ').match(/\?+(?=[\s"'’”)\]]|$)/g) ?? []).length;
}

/** "steps[2].body"-style paths for each step's body, with its readable text. */
export function bodies(sequence: Sequence) {
  return sequence.steps.map((step) => ({ step, path: ['steps', step.index, 'body'] as const, text: readableText(step.body, sequence) }));
}
