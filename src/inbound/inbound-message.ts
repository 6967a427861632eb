import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import type { ReplyToClassify, ReportPart } from '../classify/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { MAX_AUTH_RESULTS_CHARS, MAX_AUTH_RESULTS_HEADERS } from './authentication-results.ts';

/** A message from the reply mailbox, parsed and reduced to what Parley uses. */
export interface InboundMessage {
  /** With angle brackets; undefined when the message has none. */
  messageId: string | undefined;
  /** sha256 of the raw source: the identity of a message without a Message-ID. */
  sourceHash: string;
  /** Sender address, lower-cased; empty for the null sender (delivery reports), see requireSender. */
  from: string;
  /** Every address in From (RFC 5322 allows several authors), lower-cased; at most 20. */
  fromAddresses: string[];
  /** The display name of the first From address ("Ada Lovelace"), for the quote line of a rep's answer. */
  fromName?: string | undefined;
  /** To and Cc addresses, lower-cased; at most 20 each: a rep's answer goes to them all (reply-all). Optional for messages built in code. */
  to?: string[] | undefined;
  cc?: string[] | undefined;
  /** The Authentication-Results header values, topmost first, at most MAX_AUTH_RESULTS_HEADERS; one too long to read is cut to MAX_AUTH_RESULTS_CHARS + 1. */
  authenticationResults: string[];
  subject: string;
  date: Date | undefined;
  inReplyTo: string | undefined;
  /** Message-IDs of the thread so far, oldest first. */
  references: string[];
  text: string | undefined;
  html: string | undefined;
  /** Header names lower-cased; first occurrence, unfolded. */
  headers: Record<string, string>;
  /** e.g. `text/plain`, `multipart/report`. */
  contentType: string;
  /** A report's machine-readable parts (RFC 3464/6522): delivery status and the returned message or headers. */
  reportParts: ReportPart[];
}

/** The parts of a report worth keeping; other attachments are dropped unread. */
const REPORT_PART_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/disposition-notification',
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/global-headers',
]);

/**
 * Parses a raw RFC 5322 message. Throws MESSAGE_MALFORMED when it cannot be parsed at all: such
 * mail is quarantined, not guessed at.
 */
export async function parseInboundMessage(source: Buffer): Promise<InboundMessage> {
  let parsed;
  try {
    // keepDeliveryStatus keeps a bounce's DSN fields as a part of their own (RFC 3464).
    // skipHtmlToText: an HTML-only reply keeps its HTML for extractVisibleText, which cuts the
    // quoted history by the clients' own markers before converting.
    parsed = await simpleParser(source, { keepDeliveryStatus: true, skipImageLinks: true, skipHtmlToText: true });
  } catch (error) {
    throw new ParleyError(ErrorCodes.MESSAGE_MALFORMED, `The message cannot be parsed: ${String(error)}`, { cause: error });
  }
  // Empty when the message names no sender: mail servers send delivery reports from the null
  // sender (`MAILER-DAEMON <>`, `<>`, a bare `Postmaster`, no From at all). Only a report may come
  // without one; the reply handler quarantines anything else (requireSender).
  const from = firstAddress(parsed.from) ?? '';
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (headers[key] !== undefined) continue;
    const colon = line.indexOf(':');
    headers[key] = withoutNul(
      line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
  }
  return {
    messageId: parsed.messageId,
    sourceHash: createHash('sha256').update(source).digest('hex'),
    from,
    fromAddresses: allAddresses(parsed.from),
    fromName: withoutNul(parsed.from?.value.find((a) => a.address)?.name?.trim() ?? '').slice(0, 200) || undefined,
    to: listAddresses(parsed.to),
    cc: listAddresses(parsed.cc),
    authenticationResults: authenticationResultsOf(parsed.headerLines),
    subject: withoutNul(parsed.subject ?? ''),
    date: parsed.date,
    inReplyTo: parsed.inReplyTo,
    // mailparser gives a string for one id and an array for several (STACK-NOTES).
    references: typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? []),
    text: parsed.text === undefined ? undefined : withoutNul(parsed.text),
    html: typeof parsed.html === 'string' ? withoutNul(parsed.html) : undefined,
    headers,
    contentType: (headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase(),
    reportParts: parsed.attachments
      .filter((a) => REPORT_PART_TYPES.has(a.contentType.toLowerCase()))
      .map((a) => ({ contentType: a.contentType.toLowerCase(), content: a.content })),
  };
}

/** What the classifier reads of a message, its visible text already extracted. */
export function toReplyToClassify(message: InboundMessage, visibleText: string): ReplyToClassify {
  return {
    subject: message.subject,
    visibleText,
    headers: message.headers,
    fromAddress: message.from,
    contentType: message.contentType,
    date: message.date,
    reportParts: message.reportParts,
    fullText: message.text,
  };
}

function firstAddress(from: AddressObject | undefined): string | undefined {
  const address = from?.value.find((a) => a.address)?.address;
  return address ? address.trim().toLowerCase() : undefined;
}

function allAddresses(from: AddressObject | undefined): string[] {
  // A group (`undisclosed: a@x, b@y;`) lists its members in `group`.
  const flat = (from?.value ?? []).flatMap((a) => [a, ...(a.group ?? [])]);
  return flat.flatMap((a) => (a.address ? [a.address.trim().toLowerCase()] : [])).slice(0, 20);
}

function listAddresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const fields = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return [...new Set(fields.flatMap((f) => allAddresses(f)))].slice(0, 20);
}

/** Header values cut before unfolding, so a megabyte of header costs nothing here (a longer one is not read anyway). */
function authenticationResultsOf(lines: ReadonlyArray<{ key: string; line: string }>): string[] {
  return lines
    .filter((l) => l.key === 'authentication-results')
    .slice(0, MAX_AUTH_RESULTS_HEADERS)
    .map(({ line }) => {
      const value = line.slice(line.indexOf(':') + 1);
      // Too long to read: kept too long (cut), so the reader sees it is and reads nothing from it.
      if (value.length > MAX_AUTH_RESULTS_CHARS) return value.slice(0, MAX_AUTH_RESULTS_CHARS + 1);
      return withoutNul(value.replace(/\r?\n[ \t]+/g, ' ').trim());
    });
}

// FerretDB (and BSON keys everywhere) refuse NUL; it never carries meaning in mail text.
function withoutNul(text: string): string {
  return text.replaceAll('\0', '');
}

/**
 * A message with no sender address can only be a delivery report (sent from the null sender); as
 * a reply it cannot be matched to anyone, and is quarantined rather than guessed at.
 */
export function requireSender(message: InboundMessage, isReport: boolean): void {
  if (message.from || isReport) return;
  throw new ParleyError(ErrorCodes.MESSAGE_MALFORMED, 'The message has no sender address (From), so it cannot be matched to anyone.');
}
