import { bodies, urlsIn } from '../text.ts';
import type { LintRule, RuleFinding } from '../types.ts';

const INVITES_REPLY = /\b(?:reply|write back|let me know)/i;

/** Forms and booking pages take the conversation out of the thread, where Parley can't hear it. */
const FORM_OR_BOOKING =
  /typeform\.com|forms\.gle|docs\.google\.com\/forms|hsforms\.|hubspot\.com\/.*form|meetings\.hubspot\.com|calendly\.com|cal\.com\/|savvycal\.com|chilipiper\.com|\/forms?(?:[/?#.]|$)/i;

/** The call to action is "just reply": a reply starts the conversation the sequence is for. */
export const replyCta: LintRule = {
  id: 'reply-cta',
  check: (sequence) =>
    bodies(sequence).flatMap(({ path, text }) => {
      const findings: RuleFinding[] = [];
      if (!INVITES_REPLY.test(text)) {
        findings.push({ path, message: 'invite a reply, e.g. "Just reply to this email": replies start the conversation' });
      }
      const form = urlsIn(text).find((url) => FORM_OR_BOOKING.test(url));
      if (form) {
        findings.push({
          path,
          message: `replace ${form} with a question they can answer by replying: forms and booking links don't count as a reply`,
        });
      }
      return findings;
    }),
};
