/** What a reply means for the conversation; drives the task's priority and the enrollment's fate. */
export type Intent =
  | 'interested'
  | 'question'
  | 'not_now'
  | 'not_interested'
  | 'unsubscribe'
  | 'wrong_person'
  | 'out_of_office'
  | 'bounce'
  | 'unclear';

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
}

export interface Classification {
  intent: Intent;
  /** 0..1; the model's normalised score, or 1 for a rule. */
  confidence: number;
  /** Why: the rule that fired or the strongest words, shown wherever a person sees the label. */
  explanation: string;
}
