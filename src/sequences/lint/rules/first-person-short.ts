import { bodies, wordsIn } from '../text.ts';
import type { LintRule, RuleFinding } from '../types.ts';

/** Most words an email body may have; a reply-worthy email reads in a few seconds on a phone. */
export const MAX_BODY_WORDS = 125;

/** "I" only when capitalised (I, I'm, I've); me and my in any case, since they may start a sentence. */
const speaksAsI = (text: string) => /\bI\b/.test(text) || /\b(?:me|my|mine|myself)\b/i.test(text);

/** An email from one person to another: written as "I", and short. */
export const firstPersonShort: LintRule = {
  id: 'first-person-short',
  check: (sequence) =>
    bodies(sequence).flatMap(({ path, text }) => {
      const findings: RuleFinding[] = [];
      if (!speaksAsI(text)) {
        findings.push({ path, message: 'write as one person ("I", "me", "my"), not as "we" or the company: people answer people' });
      }
      const words = wordsIn(text).length;
      if (words > MAX_BODY_WORDS) {
        findings.push({ path, message: `this email is ${words} words; cut it to ${MAX_BODY_WORDS} or fewer so it reads in a few seconds` });
      }
      return findings;
    }),
};
