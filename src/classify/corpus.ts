import { AUTO_REPLY, BOUNCE, OUT_OF_OFFICE } from './corpus/automatic.ts';
import { INTERESTED } from './corpus/interested.ts';
import { MEETING_REQUEST } from './corpus/meeting-request.ts';
import { NOT_INTERESTED } from './corpus/not-interested.ts';
import { NOT_NOW } from './corpus/not-now.ts';
import { QUESTION } from './corpus/question.ts';
import { UNCLEAR, UNSUBSCRIBE } from './corpus/unsubscribe-unclear.ts';
import { WRONG_PERSON } from './corpus/wrong-person.ts';
import type { Intent } from './types.ts';

/**
 * Replies to a first-person sales email that asks one question ("Would you be open to a short
 * call next week?"), written for Parley, in English with German, French, Spanish and a few Dutch,
 * Italian, Portuguese and Japanese. Labelling guide, because the edges are where mistakes go:
 * - meeting_request: asks for or proposes a meeting: a day, a time, an invite, a booking link.
 * - interested: agrees to talk or try, or asks for the next step, without naming a time.
 * - question: asks for information before saying yes or no (price, integrations, security).
 * - not_now: the timing is wrong but the door stays open (busy, budget next year, new contract).
 * - not_interested: a no without a later (happy with a competitor, not a fit, no need).
 * - wrong_person: someone else should get it (left the company, another team, a referral).
 * - unsubscribe / out_of_office / auto_reply / bounce: mostly caught by rules; here so the model
 *   knows the vocabulary when a rule's exact wording is missing.
 * - unclear: replies that carry no decision ("Received", "?", "Let me think about it").
 */
export const TRAINING_CORPUS: ReadonlyArray<{ text: string; intent: Intent }> = [
  ...label('interested', INTERESTED),
  ...label('meeting_request', MEETING_REQUEST),
  ...label('question', QUESTION),
  ...label('not_now', NOT_NOW),
  ...label('not_interested', NOT_INTERESTED),
  ...label('wrong_person', WRONG_PERSON),
  ...label('unsubscribe', UNSUBSCRIBE),
  ...label('out_of_office', OUT_OF_OFFICE),
  ...label('auto_reply', AUTO_REPLY),
  ...label('bounce', BOUNCE),
  ...label('unclear', UNCLEAR),
];

function label(intent: Intent, texts: readonly string[]): Array<{ text: string; intent: Intent }> {
  return texts.map((text) => ({ text, intent }));
}
