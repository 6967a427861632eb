import { bounceReason } from './bounce-reasons.ts';
import { fromSesNotification } from './bounce-ses.ts';
import type { BounceReason, BounceVerdict, ReplyToClassify, ReportPart } from './types.ts';

// Reads delivery failure reports: RFC 3464 DSNs (Postfix, Exim, Gmail, Exchange, Dovecot,
// OpenSMTPD...), RFC 5429 rejections sent as MDNs (Dovecot's Sieve `reject`), and the prose of
// mailer-daemons that send neither (qmail, older Exim and Exchange). Fixtures from each are in
// test/fixtures/bounces/.
//
// Decisions:
// - Action "delayed" is a warning that the message is still queued, not a failure: it gives a
//   soft verdict with action 'delayed', and the caller must not stop anything on it.
// - Status X.2.2 "mailbox full" is soft even as 5.2.2: RFC 3463 calls it "a persistent transient
//   failure" (the owner can make room), and ESPs (SendGrid, Postmark, Mailgun) count it soft.
// - Every other 5.x.x is hard, including 5.7.x policy blocks: mailing on into a block costs
//   reputation, and the lead can be re-enrolled by hand.
// - A generic status (X.0.0 as Exim and OpenSMTPD write, or X.Y.0) is replaced by the specific
//   code the remote server gave in its own words, when it has the same class; without one, the
//   words decide ("mailbox full" soft, "user unknown" hard).
// - Prose needs a daemon's signature, or a daemon sender or bounce subject with words of failure.
//   A person pasting a bounce into a reply is not a bounce: from anyone but a daemon, the
//   signature must open the message, and forwards never count.

/** A bounce verdict with what a caller needs to act on it. */
export interface BounceReport extends BounceVerdict {
  /** RFC 3464 Action: 'failed' (delivery given up) or 'delayed' (a warning; still being retried). */
  action: 'failed' | 'delayed';
  /** What the verdict was read from: DSN fields, a rejection MDN (RFC 5429), Amazon SES's JSON, or a mailer-daemon's text. */
  source: 'dsn' | 'mdn' | 'ses' | 'text';
  reason: BounceReason;
}

/**
 * The delivery failure a message reports, or undefined when it is not a bounce: normal mail, read
 * receipts (RFC 8098 MDNs other than a rejection), success DSNs, auto-replies.
 */
export function detectBounce(reply: ReplyToClassify): BounceReport | undefined {
  const parts = reply.reportParts ?? [];
  const reportType = reportTypeOf(reply);
  if (reportType !== undefined && reportType !== 'delivery-status' && reportType !== 'disposition-notification') {
    return undefined; // e.g. feedback-report (RFC 5965 spam complaints): not a delivery failure.
  }
  const mdn = parts.find((p) => MDN_TYPES.has(p.contentType));
  if (mdn || reportType === 'disposition-notification') return mdn ? fromMdn(reply, mdn) : fromText(reply);
  // Not only under multipart/report: OpenSMTPD sends its DSN part inside multipart/mixed.
  const dsn = parts.find((p) => DSN_TYPES.has(p.contentType));
  if (dsn) return fromDsnFields(reply, fieldGroups(dsn.content.toString('utf8')));
  // Amazon SES through SNS: JSON in a plain message (bounce-ses.ts); its other notices are no bounce.
  if (parts.length === 0 && reportType === undefined) {
    const ses = fromSesNotification(reply.fullText ?? reply.visibleText);
    if (ses === 'other') return undefined;
    if (ses !== undefined) return { ...ses, source: 'ses' };
  }
  // Parsed without keepDeliveryStatus, the DSN fields are in the text.
  const text = reportText(reply);
  if (reportType === 'delivery-status' && /^final-recipient\s*:/im.test(text)) return fromDsnFields(reply, fieldGroups(text));
  return fromText(reply);
}

const DSN_TYPES: ReadonlySet<string> = new Set(['message/delivery-status', 'message/global-delivery-status']);
const MDN_TYPES: ReadonlySet<string> = new Set(['message/disposition-notification', 'message/global-disposition-notification']);
const RETURNED_MESSAGE_TYPES: ReadonlySet<string> = new Set(['message/rfc822', 'message/global']);
const RETURNED_HEADERS_TYPES: ReadonlySet<string> = new Set(['text/rfc822-headers', 'message/global-headers']);

function reportTypeOf(reply: ReplyToClassify): string | undefined {
  if (reply.contentType !== 'multipart/report') return undefined;
  return /report-type\s*=\s*"?([\w-]+)/i.exec(reply.headers['content-type'] ?? '')?.[1]?.toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// RFC 3464 delivery status notifications

type Fields = ReadonlyMap<string, string>;

const SUCCESS_ACTIONS: ReadonlySet<string> = new Set(['delivered', 'relayed', 'expanded', 'deliverable']);

function fromDsnFields(reply: ReplyToClassify, groups: Fields[]): BounceReport | undefined {
  const recipients = groups.filter((g) => g.has('final-recipient') || g.has('action'));
  const action = (g: Fields) => g.get('action')?.toLowerCase().split(/\s/)[0];
  // Success reports (delivered, relayed, expanded: RFC 3464 §2.3.3; Postfix's "deliverable" for
  // sendmail -bv; any 2.x.x status) are no bounce. Any other action, missing or non-standard
  // ("expired"), is a failure. A DSN may report several recipients: a failure beats a delay.
  const success = (g: Fields) => SUCCESS_ACTIONS.has(action(g) ?? '') || /^\s*2\./.test(g.get('status') ?? '');
  const group =
    recipients.find((g) => !success(g) && action(g) !== 'delayed') ?? recipients.find((g) => !success(g) && action(g) === 'delayed');
  if (!group) return recipients.length > 0 ? undefined : fromText(reply);
  const text = reportText(reply);
  const recipient =
    addressField(group.get('final-recipient')) ?? addressField(group.get('original-recipient')) ?? failedRecipientHeader(reply);
  const diagnostic = withoutType(group.get('diagnostic-code')) ?? proseDiagnostic(text, recipient) ?? rejectionReason(text);
  const status = refineStatus(enhancedCode(group.get('status')), diagnostic, text);
  const finalAction = action(group) === 'delayed' ? 'delayed' : 'failed';
  const perMessage = groups[0]?.has('final-recipient') ? undefined : groups[0];
  return {
    kind: kindOf(finalAction, status, diagnostic ?? text),
    status,
    diagnostic,
    recipient,
    originalMessageId: originalMessageId(reply, perMessage?.get('x-original-message-id')),
    action: finalAction,
    source: 'dsn',
    reason: bounceReason(status, diagnostic, text),
  };
}

/** RFC 3464 §2: blocks of header-style fields separated by blank lines; names lower-cased. */
function fieldGroups(content: string): Fields[] {
  const unfolded = content.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ');
  return unfolded
    .split(/\n[ \t]*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const match = /^([\w-]+)\s*:\s*(.*)$/.exec(line);
        if (match && !fields.has(match[1]!.toLowerCase())) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

/** "rfc822; Dana@Acme.test" → "dana@acme.test" (the address-type comes first: RFC 3464 §2.3.2). */
function addressField(value: string | undefined): string | undefined {
  // An RFC 821 source route ("@relay.example:user@host") names a path, not the mailbox.
  const address = withoutType(value)
    ?.replace(/^<|>$/g, '')
    .replace(/^@[^:]+:/, '')
    .trim()
    .toLowerCase();
  return address && address.includes('@') ? address : undefined;
}

/** Drops a leading "smtp;" / "rfc822;" type from a DSN field value. */
function withoutType(value: string | undefined): string | undefined {
  const text = value?.replace(/^[\w-]+\s*;\s*/, '');
  return text?.trim() ? tidyReply(text) : undefined;
}

// ---------------------------------------------------------------------------------------------
// RFC 5429 rejections: Sieve `reject` (and Dovecot's LDA) answer with an MDN whose disposition is
// "automatic-action/MDN-sent-automatically; deleted". Every other MDN is a read receipt.

function fromMdn(reply: ReplyToClassify, part: ReportPart): BounceReport | undefined {
  const fields = fieldGroups(part.content.toString('utf8'))[0] ?? new Map<string, string>();
  const disposition = (fields.get('disposition') ?? '').toLowerCase();
  const [mode = '', type = ''] = disposition.split(';').map((s) => s.trim());
  if (!mode.startsWith('automatic-action') || !/^deleted\b/.test(type)) return undefined;
  const text = reportText(reply);
  const diagnostic = rejectionReason(text) ?? withoutType(fields.get('failure') ?? fields.get('error'));
  return {
    // The recipient's own filter refused the message: sending again will not help, unless the
    // reason says the mailbox is full.
    kind: SOFT_WORDS.test(diagnostic ?? '') ? 'soft' : 'hard',
    status: undefined,
    diagnostic,
    recipient: addressField(fields.get('final-recipient')) ?? addressField(fields.get('original-recipient')),
    originalMessageId: originalMessageId(reply, fields.get('original-message-id')),
    action: 'failed',
    source: 'mdn',
    reason: filterReason(diagnostic),
  };
}

/** The filter's own reason, else a refusal by the recipient's rules: a policy, not a dead address. */
function filterReason(diagnostic: string | undefined): BounceReason {
  const reason = bounceReason(undefined, diagnostic, '');
  return reason === 'undefined' ? 'policy' : reason;
}

// ---------------------------------------------------------------------------------------------
// Mailer-daemon prose: no report parts, only words.

// Opening lines that only delivery software writes.
const SIGNATURES = [
  /this is the qmail-send program at/i,
  /this message was created automatically by mail delivery software/i,
  /this is the mail system at host/i,
  /this is the mailer-daemon, please do not reply/i,
  /following addresses had permanent fatal errors/i,
  /^[ \t]*-+ ?transcript of session follows/im, // Sendmail
  /delivery has failed to these recipients/i,
  /did not reach the following recipient/i,
  /your message to \S+ couldn'?t be delivered/i,
  /delivery to the following recipients? failed permanently/i,
  /your message wasn'?t delivered to/i,
  /your message to <[^>]+> was automatically rejected/i,
  /could not be delivered to one or more (?:of its )?recipients/i,
  /we were unable to deliver your message/i, // Yahoo, AOL
  /^\*\* (?:address not found|message not delivered|message blocked|delivery incomplete)[^*\n]* \*\*/im, // Gmail since 2016
  /die zustellung an folgende empfänger(?: oder gruppen)? ist fehlgeschlagen/i,
  /folgende\(?r?\)? empfänger konnte\(?n?\)? nicht erreicht werden/i,
  /hat (?:einige oder alle |folgende\(?n?\)? )?empfänger nicht erreicht/i,
];
const DAEMON_SENDER =
  /^(?:mailer-daemon|mailer_daemon|mail-daemon|mailerdaemon|postmaster|mail-delivery-system|microsoftexchange[0-9a-f]{32})(?:@|$)/i;
const BOUNCE_SUBJECT =
  /undeliver(?:able|ed)|delivery status notification|mail delivery failed|returned mail|failure notice|delivery failure|non-?delivery|unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|^rejected:|delayed mail|warning: message \S+ delayed/i;
const FAILURE_WORDS =
  /(?:could ?not|couldn'?t|wasn'?t|was not|cannot|can'?t) be delivered|(?:was|were) not delivered|not delivered to|undeliverable|unable to deliver|cannot send message|(?:error|trouble) delivering|error (?:has )?occurred (?:while|when) (?:attempting|trying) to deliver|delivery (?:errors|problems)|delivery (?:has |to [^\n]{0,100} )?failed|permanent (?:error|failure)|nicht zugestellt|unzustellbar|\b[45]\d\d[ -]#?[45]\.\d{1,3}\.\d{1,3}\b/i;
const DELAY_WORDS =
  /warning (?:message )?only|not yet been delivered|still being retried|has been delayed|will be retried|will (?:continue to |keep )?(?:re)?try|delivery (?:has been |is )?delayed|message is delayed|only a temporary failure|temporary problem delivering|noch nicht zugestellt|verzögert/i;
const PERMANENT_WORDS = /permanent (?:error|failure)|failed permanently|i've given up|will not try to redeliver/i;

const FORWARD_SUBJECT = /^\s*(?:fwd?|fw|wg|tr|rv)\s*:/i;

/** The end of a text's first line with words in it: daemons open their reports with their signature. */
function openingEnd(text: string): number {
  let start = 0;
  for (const line of text.split('\n')) {
    if (/\p{L}/u.test(line)) return start + line.length;
    start += line.length + 1;
  }
  return 0;
}

function fromText(reply: ReplyToClassify): BounceReport | undefined {
  const text = reportText(reply);
  const fromDaemon = DAEMON_SENDER.test(reply.fromAddress);
  if (!fromDaemon && FORWARD_SUBJECT.test(reply.subject)) return undefined;
  const signatureAt = Math.min(...SIGNATURES.map((s) => s.exec(text)?.index ?? Infinity));
  const signed = fromDaemon ? signatureAt < Infinity : signatureAt < openingEnd(text);
  const subject = BOUNCE_SUBJECT.test(reply.subject);
  // X-Failed-Recipients is the MTA's own word that delivery failed (Exim, Gmail, Google Groups),
  // whatever language the prose is in.
  const failure =
    failedRecipientHeader(reply) !== undefined || [FAILURE_WORDS, DELAY_WORDS, HARD_WORDS, SOFT_WORDS].some((words) => words.test(text));
  // A daemon's address and a bounce subject together are two independent signs, in any language.
  if (!signed && !((fromDaemon || subject) && failure) && !(fromDaemon && subject)) return undefined;

  const delayed = (DELAY_WORDS.test(text) || /delay/i.test(reply.subject)) && !PERMANENT_WORDS.test(text);
  const action = delayed ? 'delayed' : 'failed';
  const recipient = failedRecipientHeader(reply) ?? proseRecipient(reply, text);
  const diagnostic = proseDiagnostic(text, recipient) ?? rejectionReason(text) ?? lineAfter(text, recipient);
  const status = enhancedCode(diagnostic) ?? enhancedCode(text);
  return {
    kind: kindOf(action, status, diagnostic ?? text),
    status,
    diagnostic,
    recipient,
    originalMessageId: originalMessageId(reply, undefined),
    action,
    source: 'text',
    reason: bounceReason(status, diagnostic, text),
  };
}

/**
 * The first address the text names that is not the bounce's sender or addressee, nor the sender of
 * the returned message; a postmaster address ("please contact <postmaster@...>") only as a last resort.
 */
function proseRecipient(reply: ReplyToClassify, text: string): string | undefined {
  const ignore = new Set([
    reply.fromAddress,
    ...addressesIn(reply.headers['to'] ?? ''),
    ...addressesIn(returnedHeader(reply, 'from') ?? ''),
  ]);
  const named = addressesIn(text).filter((a) => !ignore.has(a));
  return named.find((a) => !DAEMON_SENDER.test(a)) ?? named[0];
}

function addressesIn(text: string): string[] {
  // Matched from the start of a run of local-part characters only, which keeps long runs without
  // an @ linear. No apostrophes: Exchange quotes addresses as 'x@y' (o'brien@ is read as brien@).
  const address = /(?<![\w.!#$%&*+/=?^`{|}~-])\w[\w.!#$%&*+/=?^`{|}~-]*@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?/gi;
  return (text.match(address) ?? []).map((a) => a.toLowerCase());
}

/** X-Failed-Recipients (Exim, Gmail): the address, named outright. */
function failedRecipientHeader(reply: ReplyToClassify): string | undefined {
  return addressesIn(reply.headers['x-failed-recipients'] ?? '')[0];
}

// ---------------------------------------------------------------------------------------------
// The report's own words, without the returned message

// Where mailer-daemons start quoting the message that bounced. The text before the earliest one is
// the report; after it come the original headers (and their Message-ID).
const COPY_MARKERS = [
  /^-+ ?below this line is a copy of the message/im, // qmail
  /^-+ ?this is a copy of the message/im, // Exim
  /^-+ ?original message -+\s*$/im, // Gmail (until 2016)
  /^[ \t]*original message headers:/im, // Exchange
  /^[ \t]*ursprüngliche nachrichtenkopfzeilen:/im, // Exchange, German
  /^[ \t]*below is a copy of the original message/im, // OpenSMTPD
  /^-+ ?the header of the original message/im,
  /^[ \t]*message headers follow/im, // DragonFly Mail Agent
];

function splitAtCopy(reply: ReplyToClassify): { report: string; copy: string } {
  const text = reply.fullText ?? reply.visibleText;
  const start = Math.min(...COPY_MARKERS.map((m) => m.exec(text)?.index ?? text.length));
  return { report: text.slice(0, start), copy: text.slice(start) };
}

function reportText(reply: ReplyToClassify): string {
  return splitAtCopy(reply).report;
}

/** The remote server's reply ("550 5.1.1 <x>: ... unknown") with its wrapped lines, in prose. */
function proseDiagnostic(text: string, recipient: string | undefined): string | undefined {
  const replies = [
    ...text.matchAll(/(?:^|[\s:#(])([245]\d\d[ -](?:#?[245]\.\d{1,3}\.\d{1,3}\b|[a-z<])[^\n]*(?:\n[ \t]+\S[^\n]*)*)/gim),
  ].map((m) => m[1]!);
  const best = replies.find((r) => recipient !== undefined && r.toLowerCase().includes(recipient)) ?? replies[0];
  return best ? tidyReply(best.replace(/\s*#+\s*$/, '')) : undefined;
}

/**
 * qmail, Exchange 2003, Domino: the reason is a line under the failed address (OpenSMTPD: after it, on its line). Lead-ins ("because:"),
 * header-like lines ("Subject: ...") and asides ("(expanded from ...)") are skipped.
 */
function lineAfter(text: string, recipient: string | undefined): string | undefined {
  if (recipient === undefined) return undefined;
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.toLowerCase().includes(recipient));
  if (at < 0) return undefined;
  // OpenSMTPD: "addr: Envelope expired", the reason on the address's own line.
  const line = lines[at] ?? '';
  const after = line.slice(line.toLowerCase().indexOf(recipient) + recipient.length);
  const sameLine = /^>?\s*:\s*(\p{L}.*)$/u.exec(after)?.[1];
  if (sameLine) return tidyReply(sameLine);
  const reason = lines
    .slice(at + 1, at + 5)
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.endsWith(':') && !/^[\w-]+:\s/.test(line) && !line.startsWith('('));
  return reason === undefined ? undefined : tidyReply(reason);
}

/** One line; a multi-line SMTP reply ("550-5.1.1 ... 550-5.1.1 ...") keeps only its first code. */
function tidyReply(reply: string): string {
  const oneLine = reply.replace(/\s+/g, ' ').trim();
  const codes = /^[245]\d\d[ -]#?(?:[245]\.\d{1,3}\.\d{1,3} )?/.exec(oneLine)?.[0] ?? '';
  const rest = oneLine
    .slice(codes.length)
    .replace(/ [245]\d\d[ -]#?[245]\.\d{1,3}\.\d{1,3}(?= )/g, '')
    .replace(/\s+/g, ' ');
  return `${codes}${rest}`.trim().slice(0, 1000);
}

/** Dovecot: "Your message to <x> was automatically rejected:\n<reason>". */
function rejectionReason(text: string): string | undefined {
  return /automatically rejected:[ \t]*\n?([^\n]+(?:\n(?![ \t]*\n)[^\n]+)*)/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim() || undefined;
}

// ---------------------------------------------------------------------------------------------
// Status codes and hard/soft

// A failure code (class 4 or 5) not preceded or followed by more dotted digits: "5.1.1", "#5.1.0",
// but not an IP address or a version number.
const ENHANCED_CODE = /(?<![\d.])([45])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/;

function enhancedCodes(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(new RegExp(ENHANCED_CODE.source, 'g'))].map((m) => `${m[1]}.${Number(m[2])}.${Number(m[3])}`);
}

function enhancedCode(text: string | undefined): string | undefined {
  return enhancedCodes(text)[0];
}

// RFC 3463: a detail of 0 is "other or undefined" (5.0.0, 5.2.0): the words say more.
const isGeneric = (status: string) => status.endsWith('.0');

/** A generic status gives way to the most specific code of the same class the remote server gave. */
function refineStatus(status: string | undefined, diagnostic: string | undefined, text: string): string | undefined {
  if (status !== undefined && !isGeneric(status)) return status;
  const given = enhancedCodes(diagnostic);
  const candidates = (given.length > 0 ? given : enhancedCodes(text)).filter((code) => status === undefined || code[0] === status[0]);
  const detail = (code: string) => (isGeneric(code) ? (code.endsWith('.0.0') ? 0 : 1) : 2);
  const best = candidates.reduce<string | undefined>(
    (top, code) => (top === undefined || detail(code) > detail(top) ? code : top),
    undefined,
  );
  return best !== undefined && (status === undefined || detail(best) > detail(status)) ? best : status;
}

const SOFT_WORDS =
  /(?:mailbox|mailfolder|inbox) (?:is )?full|\bquota\b|exceeds? (?:the )?(?:allowed|storage|mailbox|size)|insufficient (?:system )?storage|try again later|temporar(?:il)?y|gr[ae]ylist|postfach (?:ist )?voll/i;
const HARD_WORDS =
  /user unknown|unknown (?:user|recipient)|no such (?:user|recipient|mailbox)|user not found|does ?n[o']t exist|mailbox (?:unavailable|not found)|address rejected|account (?:is |has been )?disabled|invalid (?:recipient|mailbox|address)|recipient not found|recipnotfound|address not found|couldn'?t be found|not recogni[sz]ed|unroute?able|benutzer unbekannt|existiert nicht|nicht gefunden|nicht erkannt/i;

/** Hard: the address will not work. Soft: it may work later (see the decisions at the top). */
function kindOf(action: 'failed' | 'delayed', status: string | undefined, words: string): 'hard' | 'soft' {
  if (action === 'delayed') return 'soft';
  if (status !== undefined && !isGeneric(status)) return status.startsWith('4') || /^5\.2\.2$/.test(status) ? 'soft' : 'hard';
  if (SOFT_WORDS.test(words)) return 'soft';
  if (HARD_WORDS.test(words)) return 'hard';
  // The remote server's own reply code ("554 ...") says more than a generic status.
  const smtpClass = /(?:^|\s)([45])\d\d[ -]/.exec(words)?.[1] ?? status?.[0];
  return smtpClass === '4' ? 'soft' : 'hard';
}

// ---------------------------------------------------------------------------------------------
// The Message-ID of the message that bounced

/**
 * From the returned message (message/rfc822) or its headers (text/rfc822-headers), a report field
 * (Original-Message-ID, X-Original-Message-ID), or the copy quoted in the text. Not the report's
 * own In-Reply-To/References (Gmail and Exim set them, and return the message as well): those are
 * the sender's to write, and a stranger's "bounce" in a lead's thread must not pass for ours.
 */
function originalMessageId(reply: ReplyToClassify, reportField: string | undefined): string | undefined {
  const fromParts = returnedHeader(reply, 'message-id');
  const inCopy = /^message-id:[ \t]*(\S[^\n]*)/im.exec(splitAtCopy(reply).copy)?.[1];
  for (const candidate of [fromParts, reportField, inCopy]) {
    const id = messageIdIn(candidate);
    if (id) return id;
  }
  return undefined;
}

function messageIdIn(value: string | undefined): string | undefined {
  return /<[^<>\s]+@[^<>\s]+>/.exec(value ?? '')?.[0];
}

/** A header of the returned message, from the first report part that carries one. */
function returnedHeader(reply: ReplyToClassify, name: string): string | undefined {
  for (const part of reply.reportParts ?? []) {
    if (!RETURNED_MESSAGE_TYPES.has(part.contentType) && !RETURNED_HEADERS_TYPES.has(part.contentType)) continue;
    const value = headerOf(part.content.toString('utf8'), name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function headerOf(message: string, name: string): string | undefined {
  const head = message.replace(/\r\n?/g, '\n').split(/\n\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim();
}
