import type { Classification, ReplyToClassify } from './types.ts';
import { UNSUBSCRIBE_WORDING } from './unsubscribe-patterns.ts';

// The unsubscribe rules run before the model: they recognise an opt-out so reliably that a wrong
// label would be worse than no label. Each returns undefined when it does not apply. (Bounces are
// read in bounce.ts, automatic messages in automatic.ts.)

// "stop emailing me", but not "don't stop emailing" and not "can we stop by".
const STOP_EMAILING = /\b(?:(don't|dont|don’t|do not|never|not) )?stop (?:e-?mailing|mailing|contacting|messaging|sending)\b/iu;
const STOP_ALONE = /^\s*stop[\s.!]*$/iu;

// The subject Parley's List-Unsubscribe mailto link asks the mail client to send
// (MAILTO_UNSUBSCRIBE_SUBJECT in src/optout/links.ts).
const MAILTO_SUBJECT = /^\s*unsubscribe\s*$/i;

/**
 * A mail client answering the List-Unsubscribe mailto link: the subject alone decides, whatever
 * the body holds (nothing, "Sent from my iPhone", a client's note that it generated the message).
 * Part of unsubscribeRule; exported so it can also run before the automatic-message checks, for
 * clients that mark such a message Auto-Submitted.
 */
export function mailtoUnsubscribeRule(reply: ReplyToClassify): Classification | undefined {
  return MAILTO_SUBJECT.test(reply.subject)
    ? rule('unsubscribe', 1, 'rule unsubscribe: subject "unsubscribe" (List-Unsubscribe mailto)')
    : undefined;
}

export function unsubscribeRule(reply: ReplyToClassify): Classification | undefined {
  const mailto = mailtoUnsubscribeRule(reply);
  if (mailto) return mailto;
  const text = reply.visibleText;
  const subject = reply.subject.replace(/^(?:(?:re|aw|sv|fwd?|wg|tr)\s*:\s*)+/i, '');
  const match =
    UNSUBSCRIBE_WORDING.exec(text)?.[0] ??
    (STOP_ALONE.test(text) || STOP_ALONE.test(subject) ? 'stop' : undefined) ??
    stopEmailing(text) ??
    // "Re: unsubscribe": someone answering the thread with the word as the whole subject.
    (MAILTO_SUBJECT.test(subject) ? 'subject unsubscribe' : undefined);
  return match ? rule('unsubscribe', 1, `rule unsubscribe: "${match}"`) : undefined;
}

function stopEmailing(text: string): string | undefined {
  const match = STOP_EMAILING.exec(text);
  return match && !match[1] ? match[0] : undefined;
}

function rule(intent: Classification['intent'], confidence: number, explanation: string): Classification {
  return { intent, confidence, explanation };
}
