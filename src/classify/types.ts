import type { NamedDate } from './named-date.ts';
import type { Qualification } from '../sequences/types.ts';

/**
 * What a reply means for the conversation; drives the task's priority and the enrollment's fate.
 * The union of what Outreach, Instantly, Smartlead and Apollo label.
 */
export type Intent =
  | 'interested'
  | 'meeting_request'
  | 'question'
  | 'not_now'
  | 'not_interested'
  | 'unsubscribe'
  | 'wrong_person'
  | 'out_of_office'
  /** Automatic answers that are not out-of-office: ticket receipts, "mailbox not monitored", challenge-response. */
  | 'auto_reply'
  | 'bounce'
  | 'unclear';

/**
 * A MIME part a report carries (RFC 3464/6522/8098): message/(global-)delivery-status,
 * message/disposition-notification, message/rfc822 or message/global, text/rfc822-headers or
 * message/global-headers.
 */
export interface ReportPart {
  contentType: string;
  content: Buffer;
}

export interface ReplyToClassify {
  subject: string;
  /** The reply's own words: quoted history and signature already removed. */
  visibleText: string;
  /** Header names lower-cased; values as plain strings (first occurrence). */
  headers: Readonly<Record<string, string>>;
  /** The sender's address, lower-cased ('' when missing). */
  fromAddress: string;
  /** MIME type of the top-level message, e.g. 'multipart/report' for a delivery status notification. */
  contentType: string;
  /** When the message was written (Date header); relative dates ("back Monday") are read from it. */
  date?: Date | undefined;
  /** Only the report parts of the message (a bounce's status and returned message), not other attachments. */
  reportParts?: readonly ReportPart[] | undefined;
  /** The whole text before quote stripping, for bounces and auto-replies whose text is not a "reply". */
  fullText?: string | undefined;
}

export interface Classification {
  intent: Intent;
  /** 0..1; the model's normalised score, or 1 for a rule. */
  confidence: number;
  /** Why: the rule that fired or the strongest words, shown wherever a person sees the label. */
  explanation: string;
}

/**
 * Why a delivery failed, in the bounce libraries' vocabulary (sisimai's reasons): what Parley does
 * follows from it (src/classify/bounce-reasons.ts groups them; src/inbound/apply-outcome.ts acts).
 */
export type BounceReason =
  | 'user_unknown'
  | 'host_unknown'
  | 'has_moved'
  | 'not_accept'
  | 'suspended'
  | 'mailbox_full'
  | 'rate_limited'
  | 'expired'
  | 'system_error'
  | 'message_too_big'
  | 'blocked'
  | 'spam_detected'
  | 'policy'
  | 'undefined';

/** A delivery failure report, read from RFC 3464 fields or a mailer-daemon's prose. */
export interface BounceVerdict {
  /** hard: the address will not work (5.x.x, "user unknown"); soft: try again later (4.x.x, mailbox full). */
  kind: 'hard' | 'soft';
  /** Enhanced status code (RFC 3463) such as "5.1.1", when given. */
  status: string | undefined;
  /** The remote server's words, e.g. "550 5.1.1 <x@y>: Recipient address rejected". */
  diagnostic: string | undefined;
  /** The address that failed, lower-cased. */
  recipient: string | undefined;
  /** Message-ID of the message that bounced (from the returned message or headers), to find its enrollment. */
  originalMessageId: string | undefined;
  /** RFC 3464 Action: 'delayed' is only a warning that the message is still queued. */
  action?: 'failed' | 'delayed' | undefined;
  /** Why it failed; absent on verdicts stored before reasons were read. */
  reason?: BounceReason | undefined;
}

/** A person the reply names: the right contact ("talk to Sam, sam@x.com") or an out-of-office's stand-in. */
export interface NamedContact {
  name: string | undefined;
  email: string | undefined;
}

/** Qualification signals in the reply's words (the seed's conversation-friendly BANT), as the phrases found. */
export interface QualificationSignals {
  mainGoal?: string | undefined;
  /** People who would use it, when a number is named ("a team of 12"). */
  teamSize?: number | undefined;
  /** "next quarter", "by March", "this week". */
  timeline?: string | undefined;
  /** "around $500 a month", "no budget until Q3". */
  budget?: string | undefined;
  /** "I need to check with my boss", "I decide". */
  authority?: string | undefined;
}

/** Everything the pipeline concludes about one inbound message. */
export interface ReplyAnalysis {
  visibleText: string;
  /** Sent by a program rather than a person, and why (the headers or patterns that said so). */
  automatic: { isAutomatic: boolean; evidence: string[] };
  bounce: BounceVerdict | undefined;
  /** For out-of-office: when they are back (undefined when not said). */
  returnDate: Date | undefined;
  /** For not now: the date they asked to hear from us again ("try me in March"; undefined when not said). */
  namedDate: NamedDate | undefined;
  /** For out-of-office: who to contact meanwhile. */
  alternateContact: NamedContact | undefined;
  /** For wrong person: who to talk to instead. */
  referral: NamedContact | undefined;
  /** For not interested: the objection, e.g. "already_have_tool", "too_expensive", "no_need". */
  objection: string | undefined;
  classification: Classification;
  qualification: QualificationSignals;
  /** The answer to the question the step asked, when the step declared one and the reply answers it. */
  answer: { asks: Qualification; value: string } | undefined;
  /**
   * A person's own words, classified by the model (not a bounce, an auto-reply or an opt-out rule):
   * only these can answer a step's question. Plain data, so it survives the copy from the analysis thread.
   */
  byPerson: boolean;
}
