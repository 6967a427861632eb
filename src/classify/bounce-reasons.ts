import type { BounceReason } from './types.ts';

// Why a delivery failed, in the vocabulary the bounce libraries use (sisimai's reasons, named here
// in snake case and folded into fewer groups): read from the remote server's own words first, then
// from the RFC 3463 enhanced status code, then from the words of the whole report.
//
// Words come first because the codes are used loosely: "550 5.7.1" is a blocklist at one provider,
// a spam filter at another and "user unknown" at a third; "5.0.0" says nothing at all.

/** What Parley does about a reason (src/inbound/apply-outcome.ts acts on it). */
export type BounceReasonGroup =
  /** The address is gone: suppress the contact. */
  | 'dead'
  /** The address works but cannot take mail now: retry later. */
  | 'temporary'
  /** The message or its sender was refused: stop this send, keep the contact, warn about deliverability. */
  | 'refused'
  /** Not recognised. */
  | 'undefined';

export const BOUNCE_REASON_GROUPS: Readonly<Record<BounceReason, BounceReasonGroup>> = {
  user_unknown: 'dead',
  host_unknown: 'dead',
  has_moved: 'dead',
  not_accept: 'dead',
  // An account closed or disabled by its provider; a permanent (5.x.x) one is treated as dead,
  // a temporary (4.x.x) one is retried (apply-outcome.ts decides on the kind).
  suspended: 'dead',
  mailbox_full: 'temporary',
  rate_limited: 'temporary',
  expired: 'temporary',
  system_error: 'temporary',
  message_too_big: 'refused',
  blocked: 'refused',
  spam_detected: 'refused',
  policy: 'refused',
  undefined: 'undefined',
};

/**
 * The remote server's words, most specific first: the first table row that matches names the reason.
 * A full mailbox before a too-big message ("exceeds mailbox size" is the mailbox); a dead address
 * before a block ("user unknown, access denied" is the user); the sender's authentication before a
 * block (Gmail's "blocked because the sender is unauthenticated"); blocklists before spam ("listed
 * at Spamhaus" is an IP block, not a verdict on the content).
 */
const WORDS: ReadonlyArray<readonly [BounceReason, RegExp]> = [
  [
    'mailbox_full',
    /(?:mailbox|mailfolder|inbox|mail ?box storage)(?: is)? (?:full|over ?quota)|over ?quota|\bquota\b|exceeds? (?:the )?(?:storage|mailbox|disk)|insufficient (?:system )?storage|not enough (?:storage|space)|mailbox size limit|postfach (?:ist )?voll|boîte (?:aux lettres )?pleine/i,
  ],
  [
    'message_too_big',
    /message (?:size )?(?:is )?(?:too (?:large|big)|exceeds)|(?:size|length) (?:of (?:the )?message )?exceeds|exceeds? (?:the )?(?:maximum |max )?(?:message |allowed )?size|message size limit|mail too large|too large for|msg size/i,
  ],
  [
    'rate_limited',
    /rate ?limit|too many (?:messages|mails|emails|connections|recipients|concurrent)|(?:sending|receiving|recipient) (?:rate|limit) (?:exceeded|reached)|throttl|slow down|gr[ae]y ?list|temporarily deferred|try (?:again )?later|deferred due to|limit exceeded|mail flood/i,
  ],
  [
    'expired',
    /(?:delivery|retry|queue) (?:time(?:out)?|period|lifetime) (?:has )?(?:exceeded|expired)|(?:message|mail|envelope) (?:has )?expired|too long in (?:the )?queue|been delayed for (?:\d+|several) days|retry timeout exceeded|giving up|gave up|could not be delivered within|time limit exceeded/i,
  ],
  ['has_moved', /has moved|no longer (?:with|at|employed|works|in use|valid|available|active)|moved to/i],
  [
    'suspended',
    /(?:account|mailbox|user|address)(?: [\w-]+){0,2} (?:is |has been )?(?:disabled|suspended|inactive|deactivated|locked|blocked by the owner|closed|expired|frozen)|(?:disabled|suspended|inactive|deactivated|closed) (?:account|mailbox|user)|not (?:currently )?active|konto (?:ist )?gesperrt/i,
  ],
  ['not_accept', /does ?n[o']t accept (?:e-?)?mail|not accepting (?:e-?)?mail|null mx|accepts no mail/i],
  [
    'user_unknown',
    /user unknown|unknown (?:user|recipient|address|mailbox|local part)|no such (?:user|recipient|mailbox|person|address|account)|user not found|(?:recipient|address|user|mailbox|account)(?: [\w@.<>-]+)? (?:does ?n[o']t|did not) exist|mailbox (?:unavailable|not found|does not exist)|(?<!sender )address rejected|invalid (?:recipient|mailbox|address|user)|recipient (?:not found|rejected|unknown)|recipnotfound|address not found|couldn'?t be found|not recogni[sz]ed|unroute?able address|not a valid (?:user|mailbox|recipient)|no mailbox|bad recipient|undeliverable address|not our customer|benutzer unbekannt|existiert nicht|nicht gefunden|nicht erkannt|utilisateur inconnu|does ?n[o']t have an? [\w.-]+ account/i,
  ],
  [
    'host_unknown',
    /host (?:or domain name )?(?:not found|unknown)|unknown host|domain (?:name )?(?:not found|does ?n[o']t exist|unknown|is invalid)|no (?:such )?domain|name or service not known|nxdomain|no mx|unable to route|unrouteable domain|host not reachable|unknown domain|bad destination (?:host|mailbox address)?|(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)+ does ?n[o']t exist/i,
  ],
  // The sender's authentication (SPF, DKIM, DMARC, reverse DNS: RFC 7372) before blocklists: Gmail's SPF refusals name the IP too.
  [
    'policy',
    /\b(?:spf|dkim|dmarc|ptr)\b|reverse dns|rdns|authenticat|unauthenticated|multiple addresses in from|from: header|unroute?able sender|invalid sender|sender (?:address )?(?:is )?(?:invalid|unknown|not allowed)|protocol violation/i,
  ],
  [
    'blocked',
    /\bblock ?list|blacklist|deny ?list|\b(?:rbl|dnsbl|spamhaus|spamcop|sorbs|barracudacentral|uceprotect)\b|listed (?:at|in|on|by)|(?:ip|client|host|sender|server|connection)(?: address)? (?:[\w.:]+ )?(?:is |has been )?(?:blocked|banned|blacklisted|refused|rejected)|(?:blocked|banned) (?:by|for|due)|reputation|access denied|\bblocked\b|not allowed to send|connection refused by|poor sending/i,
  ],
  [
    'spam_detected',
    /\bspam\b|junk ?mail|unsolicited|bulk mail|content (?:was )?(?:rejected|refused|filtered)|message (?:content )?(?:was )?(?:rejected|refused) (?:as|because|due to) (?:spam|content)|(?:looks|appears) (?:like|to be) (?:spam|unsolicited)|virus|malware|suspicious|phish|filtered|high probability|not accepted for policy reasons.*content/i,
  ],
  [
    'policy',
    /\bpolicy\b|not permitted|not authori[sz]ed|relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited)|tls (?:is )?required|requires? (?:tls|encryption)|sender (?:address )?(?:rejected|verify failed|domain)|rfc ?(?:5322|2822|822)|header (?:is )?(?:missing|invalid)|not compliant|syntax/i,
  ],
  [
    'system_error',
    /system (?:error|failure|problem)|internal (?:server )?error|local error|mail (?:loop|system (?:is )?full)|loop(?:s)? (?:back|detected)|too many hops|network (?:error|unreachable)|connection (?:timed out|reset|refused|lost)|timed out|temporar(?:il)?y (?:unavailable|failure|error)|service unavailable|resources? (?:temporarily )?unavailable/i,
  ],
];

/** RFC 3463 enhanced status codes (subject.detail, either class), most specific first. */
const CODES: ReadonlyArray<readonly [RegExp, BounceReason]> = [
  [/^\d\.1\.(?:1|3)$/, 'user_unknown'], // bad destination mailbox address / syntax
  [/^\d\.1\.2$/, 'host_unknown'], // bad destination system address
  [/^\d\.1\.6$/, 'has_moved'], // destination mailbox has moved, no forwarding address
  [/^\d\.1\.10$/, 'not_accept'], // RFC 7505: the domain publishes a null MX
  [/^\d\.1\.[78]$/, 'policy'], // the sender's address is bad
  [/^\d\.2\.1$/, 'suspended'], // mailbox disabled, not accepting messages
  [/^\d\.2\.2$/, 'mailbox_full'],
  [/^\d\.2\.3$/, 'message_too_big'], // message length exceeds administrative limit
  [/^\d\.3\.1$/, 'system_error'], // mail system full
  [/^\d\.3\.4$/, 'message_too_big'],
  [/^\d\.4\.4$/, 'host_unknown'], // unable to route
  [/^\d\.4\.7$/, 'expired'], // delivery time expired
  [/^\d\.4\.\d+$/, 'system_error'], // network and routing
  [/^\d\.5\.\d+$/, 'system_error'], // mail delivery protocol
  [/^\d\.6\.\d+$/, 'policy'], // message content or media
  [/^\d\.7\.(?:2[3-7]|8|9|0)$/, 'policy'], // SPF, DKIM, DMARC, reverse DNS, authentication (RFC 7372)
  [/^\d\.7\.28$/, 'rate_limited'], // mail flood (RFC 7372 lists it under 5.7.28 for the Gmail use)
  [/^\d\.7\.1$/, 'blocked'], // delivery not authorised, message refused
  [/^\d\.7\.\d+$/, 'policy'],
];

/**
 * Why it failed: the remote server's words (its diagnostic), then the status code, then the words
 * of the whole report; 'undefined' when none of them says.
 */
export function bounceReason(status: string | undefined, diagnostic: string | undefined, reportText: string): BounceReason {
  return (
    fromWords(diagnostic) ??
    (status === undefined || status.endsWith('.0') ? undefined : fromCode(status)) ??
    fromWords(reportText) ??
    (status === undefined ? undefined : fromCode(status)) ??
    'undefined'
  );
}

// Postfix opens every refusal by a recipient restriction with this, whatever the reason that follows
// ("Recipient address rejected: Spam detected"): it names an unknown user only when nothing else does.
const POSTFIX_LEAD = /recipient address rejected:?/gi;

function fromWords(text: string | undefined): BounceReason | undefined {
  if (!text) return undefined;
  const match = (words: string) => WORDS.find(([, pattern]) => pattern.test(words))?.[0];
  return match(text.replace(POSTFIX_LEAD, ' ')) ?? match(text);
}

function fromCode(status: string): BounceReason | undefined {
  return CODES.find(([code]) => code.test(status))?.[1];
}
