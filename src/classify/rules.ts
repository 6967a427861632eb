import type { Classification, ReplyToClassify } from './types.ts';

// Rules run before the model: each one recognises a kind of reply so reliably that a wrong label
// would be worse than no label. Each returns undefined when it does not apply.

const BOUNCE_SENDER = /^(?:mailer-daemon|postmaster)@/;
// "Delivery Status Notification (Delay)" is only a warning that delivery is still being retried.
const BOUNCE_SUBJECT =
  /undelivered mail returned to sender|delivery status notification \(failure\)|mail delivery failed|^undeliverable:|returned mail: /i;

export function bounceRule(reply: ReplyToClassify): Classification | undefined {
  // RFC 3464: a DSN is multipart/report with report-type=delivery-status; the type alone is not
  // enough, because read receipts (RFC 8098) are multipart/report too.
  const contentType = `${reply.contentType} ${reply.headers['content-type'] ?? ''}`.toLowerCase();
  if (contentType.startsWith('multipart/report') && /report-type="?delivery-status/.test(contentType)) {
    return rule('bounce', 1, 'rule bounce: multipart/report delivery-status notification');
  }
  if (BOUNCE_SENDER.test(reply.fromAddress)) {
    return rule('bounce', 1, `rule bounce: sent by ${reply.fromAddress.split('@')[0]}`);
  }
  if (BOUNCE_SUBJECT.test(reply.subject)) {
    return rule('bounce', 1, `rule bounce: subject "${reply.subject}"`);
  }
  return undefined;
}

const OOO_SUBJECT =
  /out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?reply|autoresponse|abwesenheitsnotiz|automatische antwort|réponse automatique|absence du bureau|respuesta automática|fuera de la oficina/i;
// Announcements about the writer being away, not mentions of a past trip ("I was on vacation").
const OOO_BODY = new RegExp(
  [
    /\bout of (?:the )?office\b/,
    /\b(?:i am|i'm|i’m|currently|will be|i'll be|i’ll be) (?:currently )?(?:away|travell?ing|on (?:vacation|holiday|annual leave|parental leave|maternity leave|paternity leave|sick leave|leave|pto))\b/,
    /\baway (?:until|till|from the office)\b/,
    /\blimited access to (?:my )?e-?mail\b/,
    /\bnicht im büro\b|\babwesenheit\b|\bbin (?:derzeit |zurzeit |aktuell )?(?:im urlaub|abwesend)\b/,
    /\bje suis (?:actuellement )?(?:absente?|en congés?|en vacances)\b|\babsente? du bureau\b/,
    /\b(?:estoy|me encuentro) (?:fuera de la oficina|de vacaciones|ausente)\b/,
  ]
    .map((r) => r.source)
    .join('|'),
  'iu',
);

/** RFC 3834 and the vendor headers that mark a message as sent by a program, not a person. */
function autoReplyHeader(headers: Readonly<Record<string, string>>): string | undefined {
  // RFC 3834 §5: "Auto-Submitted: no" means a person sent it; comments like "(vacation)" may follow.
  const autoSubmitted = headers['auto-submitted']?.replace(/\([^)]*\)/g, '').trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `auto-submitted: ${autoSubmitted}`;
  if (headers['x-autoreply'] !== undefined) return 'x-autoreply';
  if (headers['x-autorespond'] !== undefined) return 'x-autorespond';
  const precedence = headers['precedence']?.trim().toLowerCase();
  if (precedence === 'auto_reply' || precedence === 'bulk' || precedence === 'junk') {
    return `precedence: ${precedence}`;
  }
  return undefined;
}

export function outOfOfficeRule(reply: ReplyToClassify): Classification | undefined {
  const header = autoReplyHeader(reply.headers);
  const wording = OOO_SUBJECT.exec(reply.subject)?.[0] ?? OOO_BODY.exec(reply.visibleText)?.[0];
  if (header && wording) {
    return rule('out_of_office', 1, `rule out_of_office: header ${header} and "${wording}"`);
  }
  if (wording) return rule('out_of_office', 0.9, `rule out_of_office: "${wording}"`);
  // TODO(auto-replies): split other auto-replies (ticket receipts, "we got your message") out of
  // out_of_office; until then any auto-reply header means "not a person, do not treat as a reply".
  if (header) return rule('out_of_office', 0.8, `rule out_of_office: header ${header}, no out-of-office wording`);
  return undefined;
}

// Precision over recall: a false "unsubscribe" ends a conversation someone wanted.
const UNSUBSCRIBE = new RegExp(
  [
    /\bunsubscribe\b/,
    /\bremove me\b(?! from (?:the )?(?:cc|thread|loop))/,
    /\bremove my (?:e-?mail|address)\b/,
    /\btake me off (?:of )?(?:your|this|the) (?:\w+ )?list\b/,
    /\bopt me out\b/,
    /\b(?:don't|dont|don’t|do not|never) (?:contact|e-?mail|write to|message) me\b/,
    /\babmelden\b|\bkeine e-?mails mehr\b/,
    /\bd[ée]sinscri|\bne (?:(?:veux|souhaite|désire) )?plus recevoir\b/,
    /\bdarme de baja\b|\bno me escrib(?:as|an|a)\b/,
  ]
    .map((r) => r.source)
    .join('|'),
  'iu',
);
// "stop emailing me", but not "don't stop emailing" and not "can we stop by".
const STOP_EMAILING = /\b(?:(don't|dont|don’t|do not|never|not) )?stop (?:e-?mailing|mailing|contacting|messaging|sending)\b/iu;
const STOP_ALONE = /^\s*stop[\s.!]*$/iu;

// The subject Parley's List-Unsubscribe mailto link asks the mail client to send
// (MAILTO_UNSUBSCRIBE_SUBJECT in src/optout/links.ts).
const MAILTO_SUBJECT = /^\s*unsubscribe\s*$/i;

/**
 * A mail client answering the List-Unsubscribe mailto link: the subject alone decides, whatever
 * the body holds (nothing, "Sent from my iPhone", a client's note that it generated the message).
 * Part of unsubscribeRule; exported so it can also run before outOfOfficeRule, for clients that
 * mark such a message Auto-Submitted.
 */
export function mailtoUnsubscribeRule(reply: ReplyToClassify): Classification | undefined {
  return MAILTO_SUBJECT.test(reply.subject) ? rule('unsubscribe', 1, 'rule unsubscribe: subject "unsubscribe" (List-Unsubscribe mailto)') : undefined;
}

export function unsubscribeRule(reply: ReplyToClassify): Classification | undefined {
  const mailto = mailtoUnsubscribeRule(reply);
  if (mailto) return mailto;
  const text = reply.visibleText;
  const subject = reply.subject.replace(/^(?:(?:re|aw|sv|fwd?|wg|tr)\s*:\s*)+/i, '');
  const match =
    UNSUBSCRIBE.exec(text)?.[0] ??
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
