import { bodies, questionsIn } from '../text.ts';
import type { LintRule } from '../types.ts';

/** One question per email: people answer a single question; with two, they answer neither. */
export const oneQuestion: LintRule = {
  id: 'one-question',
  check: (sequence) =>
    bodies(sequence).flatMap(({ path, text }) => {
      const count = questionsIn(text);
      if (count === 1) return [];
      const message =
        count === 0
          ? 'this email asks no question; end it with one clear question the reader can answer in a reply'
          : `this email asks ${count} questions; keep the one that matters most, so the answer is easy to write`;
      return [{ path, message }];
    }),
};
