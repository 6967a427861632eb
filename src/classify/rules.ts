import type { Classification, ReplyToClassify } from './types.ts';

// The unsubscribe rules run before the model: they recognise an opt-out so reliably that a wrong
// label would be worse than no label. Each returns undefined when it does not apply. (Bounces are
// read in bounce.ts, automatic messages in automatic.ts.)

// Precision over recall: a false "unsubscribe" ends a conversation someone wanted.
const UNSUBSCRIBE = new RegExp(
  [
    /\bunsubscribe\b/,
    /\bremove me\b(?! from (?:the )?(?:cc|thread|loop))/,
    /\bremove my (?:e-?mail|address)\b/,
    /\btake me off (?:of )?(?:your|this|the) (?:\w+ )?list\b/,
    /\bopt me out\b/,
    // "I'd like to be removed from all future emails", "make sure I am taken off your list" (the writer, not a list's entries).
    /\b(?:I(?:['’]d| would)? (?:like|want|wish|need|ask) to be|(?:make sure|ensure) (?:that )?I(?:['’]m| am)|please have me) (?:removed from|taken off(?: of)?) (?:all |any )?(?:future |further )?(?:e-?mails|mailings|communications?|(?:your |this |the |mailing |e-?mail )+list)\b/,
    /\b(?:don't|dont|don’t|do not|never) (?:contact|e-?mail|write to|message) me\b/,
    /\babmelden\b|\bkeine e-?mails mehr\b|\bentfernen sie mich aus (?:ihrem|dem|eurem) verteiler\b/,
    /\bkeine (?:weiteren )?(?:e-?mails|nachrichten|newsletter) mehr\b|\bnehmen sie mich (?:bitte )?aus (?:ihrem|dem|eurem) verteiler\b|\baus (?:ihrem|dem|eurem) verteiler (?:nehmen|streichen|l[öo]schen|entfernen)\b/,
    /\bd[ée]sinscri|\bne (?:(?:veux|souhaite|désire) )?plus recevoir\b|\bne m['’][ée]crivez plus\b/,
    /\b(?:retirez|supprimez|enlevez)[- ]moi de (?:votre|la|vos) (?:liste|fichier)/,
    /\bdarme de baja\b|\bno me escrib(?:as|an|a)\b|\bdej(?:en|a|e) de escribirme\b/,
    /\b(?:den|d[ée])me de baja\b|\bno (?:quiero|deseo) recibir m[áa]s\b|\b(?:elim[ií]n|borr|qu[ií]t|s[áa]c)(?:e|en|a)me de (?:su|tu|la|sus|vuestra) lista/,
    /配信停止|配信を停止/,
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
 * Part of unsubscribeRule; exported so it can also run before the automatic-message checks, for
 * clients that mark such a message Auto-Submitted.
 */
export function mailtoUnsubscribeRule(reply: ReplyToClassify): Classification | undefined {
  return MAILTO_SUBJECT.test(reply.subject)
    ? rule('unsubscribe', 1, 'rule unsubscribe: subject "unsubscribe" (List-Unsubscribe mailto)')
    : undefined;
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
