import {
  AUTO_SUBJECT,
  CHALLENGE_BODY,
  LEFT_COMPANY,
  OOO_BODY,
  OOO_SUBJECT,
  TICKET_BODY,
  UNMONITORED_BODY,
  subjectHead,
} from './automatic-patterns.ts';
import type { Classification, ReplyToClassify } from './types.ts';

/** What an automatic message is, as far as the conversation is concerned. */
export type AutomaticKind = 'out_of_office' | 'auto_reply' | 'left_company';

export interface AutomaticVerdict {
  isAutomatic: boolean;
  /** Each header or phrase that said so, e.g. 'header Auto-Submitted: auto-replied', 'body "out of the office"'. */
  evidence: string[];
  /** Set when isAutomatic. */
  kind: AutomaticKind | undefined;
  classification: Classification | undefined;
}

/** How much of the text the patterns read: automatic notices say what they are in the first lines. Unit: characters. */
const MAX_TEXT_CHARS = 4_000;

/**
 * Out-of-office wording alone can be a person ("I'm travelling this week, but yes, Tuesday"): it
 * counts only beside what responders write and people rarely do: a return, an "until", a thank-you
 * for the message, an urgent-matters line.
 */
const OOO_CUE =
  /\b(?:until|till|through|back|return|returning|limited access|no access|urgent|thank you for your (?:e-?mail|message)|bis|zurück|wieder|dringend|vielen dank für ihre|jusqu|retour|urgence|merci (?:pour|de) votre|hasta|regreso|vuelta|urgente|gracias por su|fino|rientro|urgenze)\b|jusqu'|以降|戻り|返信いたします/iu;

/**
 * Sent by a program rather than a person, read from headers (RFC 3834 and vendor ones) and from
 * the subject and body wording; and, when it is, which kind and the classification that follows.
 */
export function detectAutomatic(reply: ReplyToClassify): AutomaticVerdict {
  const text = (reply.visibleText.trim() ? reply.visibleText : (reply.fullText ?? '')).replace(/[’‘]/g, "'").slice(0, MAX_TEXT_CHARS);
  const head = subjectHead(reply.subject);
  const { strong, weak } = headerSigns(reply.headers);

  const found = (pattern: RegExp, where: string, source: string): string | undefined => {
    const match = pattern.exec(source)?.[0];
    return match === undefined ? undefined : `${where} "${match.trim()}"`;
  };
  const oooSubject = found(OOO_SUBJECT, 'subject', head);
  const autoSubject = found(AUTO_SUBJECT, 'subject', head);
  // X-Auto-Response-Suppress is on Outlook's auto-replies and on some ordinary mail alike: it
  // decides nothing alone, but makes wording a person might also write count as a sign.
  const supported = weak.length > 0;
  const oooBody = OOO_CUE.test(text) || supported ? found(OOO_BODY, 'body', text) : undefined;
  const receipt = found(TICKET_BODY, 'body', text) ?? found(UNMONITORED_BODY, 'body', text) ?? found(CHALLENGE_BODY, 'body', text);
  const left = found(LEFT_COMPANY, 'body', text);

  const signs = [...strong, oooSubject, autoSubject, oooBody, receipt, supported ? left : undefined].filter(
    (s): s is string => s !== undefined,
  );
  if (signs.length === 0) return { isAutomatic: false, evidence: [], kind: undefined, classification: undefined };
  const evidence = [...new Set([...signs, ...weak, ...(left ? [left] : [])])];

  const kind: AutomaticKind = left
    ? 'left_company'
    : oooBody
      ? 'out_of_office'
      : receipt
        ? 'auto_reply'
        : oooSubject
          ? 'out_of_office'
          : 'auto_reply';
  // Headers or a responder's subject, together with wording, leave no doubt; one of them alone leaves a little.
  const certain = strong.length > 0 || oooSubject !== undefined || autoSubject !== undefined;
  const worded = oooBody !== undefined || receipt !== undefined || left !== undefined;
  const confidence = certain && worded ? 1 : worded ? 0.9 : 0.8;
  const intent = kind === 'left_company' ? 'wrong_person' : kind;
  const explanation = `rule ${intent}: automatic (${evidence.join('; ')})`;
  return { isAutomatic: true, evidence, kind, classification: { intent, confidence, explanation } };
}

interface HeaderSigns {
  strong: string[];
  weak: string[];
}

function headerSigns(headers: Readonly<Record<string, string>>): HeaderSigns {
  const strong: string[] = [];
  // RFC 3834 §5: "Auto-Submitted: no" means a person sent it; comments like "(vacation)" may follow.
  const autoSubmitted = headers['auto-submitted']
    ?.replace(/\([^)]*\)/g, '')
    .trim()
    .toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') strong.push(`header Auto-Submitted: ${autoSubmitted}`);
  for (const [name, label] of [
    ['x-autoreply', 'X-Autoreply'],
    ['x-autorespond', 'X-Autorespond'],
  ] as const) {
    const value = headers[name]?.trim().toLowerCase();
    if (value !== undefined && !['no', 'false', '0'].includes(value)) strong.push(`header ${label}`);
  }
  // Exchange's inbox rules (an auto-reply rule, not the out-of-office feature) mark what they send.
  if (/mailbox rules agent/i.test(headers['x-ms-exchange-generated-message-source'] ?? ''))
    strong.push('header X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent');
  if (headers['x-ms-exchange-inbox-rules-loop'] !== undefined) strong.push('header X-MS-Exchange-Inbox-Rules-Loop');
  const precedence = headers['precedence']?.trim().toLowerCase();
  if (precedence === 'auto_reply' || precedence === 'bulk' || precedence === 'junk') strong.push(`header Precedence: ${precedence}`);
  // RFC 3834 §3.3: responders send with an empty envelope sender, which the delivering server records as Return-Path.
  if (headers['return-path']?.replace(/\s/g, '') === '<>') strong.push('header Return-Path: <>');
  const suppress = headers['x-auto-response-suppress']?.trim();
  const weak = suppress ? [`header X-Auto-Response-Suppress: ${suppress}`] : [];
  return { strong, weak };
}
