import type { Qualification } from '../sequences/types.ts';
import { detectAutomatic, type AutomaticVerdict } from './automatic.ts';
import { detectBounce } from './bounce.ts';
import type { IntentModel } from './model.ts';
import { defaultIntentModel, modelClassification } from './model-verdict.ts';
import { extractNamedContact } from './named-contact.ts';
import { objectionReason } from './objection.ts';
import { answerFor, qualificationSignals } from './qualification.ts';
import { dateNamedInReply } from './named-date.ts';
import { outOfOfficeReturnDate } from './return-date.ts';
import { mailtoUnsubscribeRule, unsubscribeRule } from './rules.ts';
import type { BounceVerdict, Classification, Intent, ReplyAnalysis, ReplyToClassify } from './types.ts';

export interface AnalyzeContext {
  /** The question the step that was answered asked, if it declared one. */
  asks?: Qualification | undefined;
  /** The intent model to use; the default model trained on the built-in corpus when absent. */
  model?: IntentModel | undefined;
  /** Now, for dates the reply names ("back on Monday") when its own Date header is missing or in the future. */
  now?: Date | undefined;
}

/** When the reply was written, to count "back on Monday" from: its Date header, unless that is missing or claims the future. */
export function writtenAt(reply: Pick<ReplyToClassify, 'date'>, now: Date): Date {
  return reply.date && reply.date < now ? reply.date : now;
}

/** Intents whose replies may state a goal in their first sentence; a "no" or a "later" states none. */
const MAY_STATE_GOAL: ReadonlySet<Intent> = new Set(['interested', 'meeting_request', 'question', 'unclear']);

/**
 * Everything Parley concludes about one inbound message. Pure and synchronous: no I/O, ~1 ms a
 * message once the default model is trained. The order matters: a bounce or an auto-reply can
 * quote "unsubscribe" from our footer, so they are recognised first; the List-Unsubscribe mailto
 * opt-out comes before everything, because a client may mark it Auto-Submitted.
 */
export function analyzeReply(reply: ReplyToClassify, context: AnalyzeContext = {}): ReplyAnalysis {
  const automatic = detectAutomatic(reply);
  const mailto = mailtoUnsubscribeRule(reply);
  if (mailto) return result(reply, automatic, mailto);

  const bounce = detectBounce(reply);
  if (bounce) {
    const evidence = [`bounce ${describeBounce(bounce)}`, ...automatic.evidence];
    return { ...result(reply, automatic, bounceClassification(bounce)), automatic: { isAutomatic: true, evidence }, bounce };
  }
  if (automatic.classification) return automaticAnalysis(reply, automatic, automatic.classification, context);

  const unsubscribe = unsubscribeRule(reply);
  if (unsubscribe) return result(reply, automatic, unsubscribe);

  return personAnalysis(reply, automatic, context);
}

/** A message a program sent: when the writer is back and who stands in, or who replaced them. */
function automaticAnalysis(
  reply: ReplyToClassify,
  automatic: AutomaticVerdict,
  classification: Classification,
  context: AnalyzeContext,
): ReplyAnalysis {
  const text = reply.visibleText.trim() ? reply.visibleText : (reply.fullText ?? '');
  const analysis = result(reply, automatic, classification);
  if (automatic.kind === 'out_of_office') {
    analysis.returnDate = outOfOfficeReturnDate(text, writtenAt(reply, context.now ?? new Date()));
    analysis.alternateContact = extractNamedContact(text, [reply.fromAddress]);
  } else if (automatic.kind === 'left_company') {
    analysis.referral = extractNamedContact(text, [reply.fromAddress]);
  }
  return analysis;
}

/** A person's words: the model's label, then what the label calls for and the qualification signals. */
function personAnalysis(reply: ReplyToClassify, automatic: AutomaticVerdict, context: AnalyzeContext): ReplyAnalysis {
  const text = reply.visibleText;
  const classification = modelClassification(context.model ?? defaultIntentModel(), text);
  const analysis = result(reply, automatic, classification);
  if (classification.intent === 'wrong_person') analysis.referral = extractNamedContact(text, [reply.fromAddress]);
  if (classification.intent === 'not_interested') analysis.objection = objectionReason(text);
  // Read here, on the analysis thread: chrono takes up to ~100 ms on a long text full of numbers.
  const written = () => writtenAt(reply, context.now ?? new Date());
  if (classification.intent === 'not_now') analysis.namedDate = dateNamedInReply(text, written());
  if (classification.intent === 'out_of_office') analysis.returnDate = outOfOfficeReturnDate(text, written());
  analysis.qualification = qualificationSignals(text);
  analysis.byPerson = true;
  return context.asks ? withAnswer(analysis, context.asks) : analysis;
}

/**
 * The analysis with the answer to the question a step asked, when the reply gives one. The same
 * as `analyzeReply(reply, { asks })`, for when the question is known only after a first look
 * (which found the enrollment): nothing is classified twice.
 */
export function answerQuestion(analysis: ReplyAnalysis, asks: Qualification): ReplyAnalysis {
  return analysis.byPerson ? withAnswer(analysis, asks) : analysis;
}

function withAnswer(analysis: ReplyAnalysis, asks: Qualification): ReplyAnalysis {
  const value = answerFor(asks, analysis.visibleText, analysis.qualification);
  // The first sentence of a "no" or a "later" is no answer to "what is your main goal?".
  const noGoalStated = asks === 'main_goal' && !analysis.qualification.mainGoal && !MAY_STATE_GOAL.has(analysis.classification.intent);
  return value && !noGoalStated ? { ...analysis, answer: { asks, value } } : analysis;
}

function result(reply: ReplyToClassify, automatic: AutomaticVerdict, classification: Classification): ReplyAnalysis {
  return {
    visibleText: reply.visibleText,
    automatic: { isAutomatic: automatic.isAutomatic, evidence: automatic.evidence },
    bounce: undefined,
    returnDate: undefined,
    namedDate: undefined,
    alternateContact: undefined,
    referral: undefined,
    objection: undefined,
    classification,
    qualification: {},
    answer: undefined,
    byPerson: false,
  };
}

function bounceClassification(bounce: BounceVerdict): Classification {
  return { intent: 'bounce', confidence: 1, explanation: `rule bounce: ${describeBounce(bounce)}` };
}

function describeBounce(bounce: BounceVerdict): string {
  const parts = [bounce.kind, bounce.status, bounce.recipient, bounce.diagnostic].filter((p) => p !== undefined && p !== '');
  return parts.join(' ');
}
