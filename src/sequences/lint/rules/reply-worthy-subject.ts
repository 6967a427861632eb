import { readableText, wordsIn } from '../text.ts';
import type { LintRule, RuleFinding } from '../types.ts';

const MAX_SUBJECT_CHARS = 60;
const MAX_SUBJECT_WORDS = 9;

/** Words that spam filters and wary readers both react to. */
const SPAM_WORDS = [
  'free',
  'guarantee',
  'guaranteed',
  'act now',
  'limited time',
  'winner',
  'urgent',
  '$$$',
  '100%',
  'click here',
  'risk-free',
  'risk free',
  'no obligation',
  'buy now',
  'order now',
  'special offer',
  'exclusive deal',
  'congratulations',
  'cash',
  'earn money',
  'double your',
  'last chance',
  'once in a lifetime',
];

const spamPattern = new RegExp(
  SPAM_WORDS.map((w) => {
    const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // \b only makes sense next to a word character ("free"), not next to "$" or "%".
    return `${/^\w/.test(w) ? '\\b' : ''}${escaped}${/\w$/.test(w) ? '\\b' : ''}`;
  }).join('|'),
  'i',
);

/** A subject that looks like a colleague's: short, calm, no sales words. */
export const replyWorthySubject: LintRule = {
  id: 'reply-worthy-subject',
  check: (sequence) =>
    sequence.steps.flatMap((step) => {
      if (step.subject === undefined) return [];
      const path = ['steps', step.index, 'subject'] as const;
      const subject = readableText(step.subject).trim();
      const findings: RuleFinding[] = [];
      const say = (message: string) => findings.push({ path, message });
      if (subject.length > MAX_SUBJECT_CHARS)
        say(`the subject is ${subject.length} characters; keep it to ${MAX_SUBJECT_CHARS} so it isn't cut off`);
      const words = wordsIn(subject).length;
      if (words > MAX_SUBJECT_WORDS)
        say(`the subject is ${words} words; keep it to ${MAX_SUBJECT_WORDS} or fewer, like a note to a colleague`);
      const shouted = /\b[A-Z]{3,}\b/.exec(subject);
      if (shouted) say(`write "${shouted[0]}" in normal case: capitals read as shouting and as spam`);
      if (subject.includes('!!')) say('drop the "!!": one calm sentence gets more replies');
      const spam = spamPattern.exec(subject);
      if (spam) say(`reword "${spam[0]}": it is a spam-filter trigger and reads like an ad`);
      return findings;
    }),
};
