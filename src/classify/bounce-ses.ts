import { bounceReason } from './bounce-reasons.ts';
import type { BounceReason, BounceVerdict } from './types.ts';

// Amazon SES bounce notifications delivered by email through SNS: the body is JSON, either the SES
// notification itself or SNS's envelope with it as a string in "Message". Only "Bounce" is a
// delivery failure; "Delivery" and "Complaint" notices are not.
//
// Like every bounce, it acts only through the Message-ID of our own message it returns: the original
// message's headers (mail.headers, when the identity includes them) or mail.commonHeaders.messageId.
// Never mail.messageId: that is SES's own id, which anyone who saw the notice can quote.

/** A notice's body is a few kilobytes; more is not SES's (and not worth parsing). */
const MAX_JSON_CHARS = 256 * 1024;

/** SES's bounceSubType, when it names the reason more exactly than the words do. */
const SUBTYPES: Readonly<Record<string, BounceReason>> = {
  NoEmail: 'user_unknown',
  // The address is on SES's suppression list after an earlier hard bounce (or complaint).
  Suppressed: 'user_unknown',
  OnAccountSuppressionList: 'user_unknown',
  MailboxFull: 'mailbox_full',
  MessageTooLarge: 'message_too_big',
  ContentRejected: 'spam_detected',
  AttachmentRejected: 'policy',
};

export type SesVerdict = Omit<BounceVerdict, 'reason' | 'action'> & { reason: BounceReason; action: 'failed' };

/**
 * The bounce an SES notification reports; 'other' for an SES notification that is no bounce
 * (Delivery, Complaint); undefined when the text is not an SES notification at all.
 */
export function fromSesNotification(text: string): SesVerdict | 'other' | undefined {
  const notice = sesNotice(text);
  if (notice === undefined) return undefined;
  const type = stringAt(notice, 'notificationType') ?? stringAt(notice, 'eventType');
  if (type !== 'Bounce') return 'other';
  const bounce = recordAt(notice, 'bounce');
  const first = Array.isArray(bounce?.['bouncedRecipients']) ? bounce['bouncedRecipients'].find(isRecord) : undefined;
  const status = /^[245]\.\d{1,3}\.\d{1,3}$/.exec(stringAt(first, 'status') ?? '')?.[0];
  const diagnostic = stringAt(first, 'diagnosticCode')
    ?.replace(/^[\w-]+\s*;\s*/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 1000);
  const subtype = SUBTYPES[stringAt(bounce, 'bounceSubType') ?? ''];
  const reason = bounceReason(status, diagnostic, '');
  // Permanent is SES's word that it gave up; Transient and Undetermined are retried (4.x.x if any).
  const permanent = stringAt(bounce, 'bounceType') === 'Permanent' && !status?.startsWith('4');
  return {
    kind: permanent && subtype !== 'mailbox_full' ? 'hard' : 'soft',
    status,
    diagnostic: diagnostic || undefined,
    recipient: stringAt(first, 'emailAddress')?.toLowerCase(),
    originalMessageId: returnedMessageId(recordAt(notice, 'mail')),
    action: 'failed',
    reason: reason === 'undefined' ? (subtype ?? reason) : reason,
  };
}

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordAt(value: JsonRecord | undefined, key: string): JsonRecord | undefined {
  const found = value?.[key];
  return isRecord(found) ? found : undefined;
}

function stringAt(value: JsonRecord | undefined, key: string): string | undefined {
  const found = value?.[key];
  return typeof found === 'string' ? found : undefined;
}

function parseJson(text: string): JsonRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined; // Not JSON: an ordinary message.
  }
}

/** The SES notification in the body, unwrapped from SNS's envelope when it has one. */
function sesNotice(text: string): JsonRecord | undefined {
  // SNS's email ends with an unsubscribe footer after "--", and long lines may come wrapped.
  const body = text.split(/\r?\n--[ \t]*\r?\n/, 1)[0]!.trim();
  if (!body.startsWith('{') || body.length > MAX_JSON_CHARS) return undefined;
  const outer = parseJson(body) ?? parseJson(body.replace(/\r?\n[ \t]?/g, ''));
  const inner = stringAt(outer, 'Type') === 'Notification' ? parseJson(stringAt(outer, 'Message') ?? '') : outer;
  const isSes = inner !== undefined && (typeof inner['notificationType'] === 'string' || typeof inner['eventType'] === 'string');
  return isSes && isRecord(inner['mail']) ? inner : undefined;
}

function returnedMessageId(mail: JsonRecord | undefined): string | undefined {
  const headers = Array.isArray(mail?.['headers']) ? mail['headers'].filter(isRecord) : [];
  const header = headers.find((h) => stringAt(h, 'name')?.toLowerCase() === 'message-id');
  for (const value of [stringAt(header, 'value'), stringAt(recordAt(mail, 'commonHeaders'), 'messageId')]) {
    const id = /<?([^<>\s]+@[^<>\s]+?)>?$/.exec(value?.trim() ?? '')?.[1];
    if (id) return `<${id}>`;
  }
  return undefined;
}
