// Wording of messages a program sends on someone's behalf, in English, German, French and Spanish
// (plus the subjects other Exchange locales use). Each pattern is specific enough that a person
// answering a sales email would not write it; looser phrases ("our team will get back to you")
// are left out on purpose, because a false auto-reply hides a person's answer.
import { anyOf } from './unicode-regex.ts';

/**
 * Subjects of out-of-office replies. Exchange and Outlook put "Automatic reply:" (and its
 * translations) only on their out-of-office feature, so those count as out-of-office. Only the
 * part of a subject before its first "Re:" is read (see subjectHead): the rest is our own subject,
 * which may well say "vacation" when the product is about vacations.
 */
export const OOO_SUBJECT = anyOf([
  /out of (?:the )?office|\booo\b|automatic reply|away from (?:the )?office/,
  /abwesenheit|automatische antwort|nicht im büro/,
  /réponse automatique|absence du bureau|absent du bureau|message d'absence/,
  /respuesta automática|fuera de la oficina|ausencia de la oficina/,
  /risposta automatica|fuori ufficio|automatisch antwoord|afwezig|resposta automática/,
  /自動応答|自動返信|不在(?:通知|のお知らせ)|自动回复|自動回覆/,
  /автоответ|автоматический ответ|автовідповідь|автоматична відповідь/,
  /odpowiedź automatyczna|automatyczna odpowiedź|automatiskt svar|automatisk svar|automatisk besvarelse/,
]);

/** Subjects any other responder uses (Sieve vacation's "Auto:", helpdesk receipts, challenge-response). */
export const AUTO_SUBJECT = anyOf([
  /^auto:|\bauto[- ]?(?:reply|response|responder|antwort)\b|\bautoreply\b|\bautorespon/,
  /\b(?:ticket|case|request|anfrage|demande|solicitud|caso)\s*(?:#|no\.?|nr\.?|n°|number|nummer|número)\s*:?\s*\[?\w*\d/,
  /\[(?:ticket|case|request)?\s*#\s*\w*\d+\]/,
  /\brequest received\b|\bwe(?:'ve| have)? received your\b|\bthank you for contacting\b/,
  /\bplease (?:verify|confirm)\b.*\b(?:human|e-?mail|sender|address)\b|\bsender verification\b|\bverification required\b/,
]);

/** The subject before its first reply or forward prefix: what the responder wrote, not what it quotes. */
export function subjectHead(subject: string): string {
  const prefix = /\b(?:re|aw|sv|vs|wg|fwd?|tr|rv|res|antw)\s*:/i.exec(subject);
  return prefix ? subject.slice(0, prefix.index) : subject;
}

/** The writer announcing being away (not mentioning a past trip: "I was on vacation"). */
export const OOO_BODY = anyOf([
  /\bout of (?:the )?office\b|\bout of office\b|\baway from (?:the|my) (?:office|desk)\b/,
  /\b(?:i am|i'm|i’m|currently|will be|i'll be|i’ll be|i will be) (?:currently |now )?(?:away|out(?! of)|travell?ing|off|on (?:vacation|holiday|holidays|annual leave|parental leave|maternity leave|paternity leave|sick leave|leave|pto|a business trip))\b/,
  /\baway (?:until|till|through|from the office)\b|\bback in the office\b|\blimited access to (?:my )?e-?mail\b|\bno access to (?:my )?e-?mail\b/,
  /\bnicht im büro\b|\babwesenheit\b|\bbin\b(?:[^.!?\n]|(?<=\d)\.){0,40}?\b(?:im urlaub|abwesend|nicht erreichbar|in elternzeit|auf dienstreise)\b|\bwieder im büro\b/,
  /\bje suis\b[^.!?\n]{0,30}?\b(?:absente?|en congés?|en vacances|en déplacement)\b|\babsente? du bureau\b|\bde retour (?:le|au bureau)\b/,
  /\b(?:estoy|estaré|me encuentro)\b[^.!?\n]{0,30}?\b(?:fuera de la oficina|de vacaciones|ausente|de viaje)\b|\bfuera de la oficina\b|\bde vuelta (?:el|en la oficina)\b/,
  /\bsono (?:fuori ufficio|in ferie)\b|\bfuori ufficio\b|\bin ferie fino\b/,
  /不在にしております|休暇中/,
]);

/**
 * Helpdesk receipts: "we have received your request #1234". A person may write "we received your
 * email" too, so a receipt counts only with the promise of an answer that follows it (within 80 characters).
 */
export const TICKET_BODY = anyOf([
  /\bwe(?:'ve| have)? (?:successfully )?received your (?:request|message|e-?mail|inquiry|enquiry|ticket|support request)\b[^\n]{0,80}?\b(?:will|shall|within|as soon as|shortly|promptly|in touch|get back|respond|reply)\b/,
  /\byour (?:request|ticket|case|inquiry|enquiry) (?:has been|was) (?:received|created|logged|opened|submitted)\b/,
  /\b(?:ticket|case|request) (?:number|no\.?|id|reference)\s*:?\s*#?\s*\w*\d{3,}|\b(?:ticket|case|request) #\s*\w*\d{2,}/,
  /\bthis is an? (?:automated|automatic|auto-generated|automatically generated) (?:message|response|reply|e-?mail|notification|confirmation)\b/,
  /\bplease do not reply to this (?:e-?mail|message)\b/,
  /\bwir haben ihre (?:anfrage|nachricht|e-?mail) (?:erhalten|bekommen)\b[^\n]{0,80}?\b(?:werden|melden|umgehend|schnellstmöglich|innerhalb|bearbeit)|\bticketnummer\b|\bdies ist eine automatische (?:antwort|nachricht|e-?mail)\b/,
  /\bnous avons (?:bien )?reçu votre (?:demande|message|e-?mail|courriel)\b[^\n]{0,80}?(?:répondr|reviendr|trait|dans les plus brefs|rapidement|sous \d|dès que)|\bnuméro de (?:ticket|dossier|demande)\b|\bceci est un (?:message|e-?mail) automatique\b/,
  /\bhemos recibido su (?:solicitud|mensaje|correo|consulta)\b[^\n]{0,80}?(?:respond|contest|en breve|lo antes posible|en un plazo|atender)|\bnúmero de (?:ticket|caso|solicitud)\b|\beste es un (?:mensaje|correo) automático\b/,
]);

/** Mailboxes nobody reads. */
export const UNMONITORED_BODY = anyOf([
  /\b(?:this|the|my) (?:mailbox|inbox|e-?mail(?: address)?|address|account) is (?:not|no longer|not being) (?:monitored|checked|read|in use|active|attended)\b/,
  /\bunmonitored (?:mailbox|inbox|e-?mail|address)\b|\bno-?reply (?:address|mailbox)\b/,
  /\b(?:dieses|das) postfach wird nicht(?: mehr)? (?:überwacht|gelesen|betreut|abgerufen)\b/,
  /\bcette (?:adresse|boîte)(?: e-?mail| mail| aux lettres)? n'est (?:pas|plus) (?:surveillée|consultée|lue|active)\b/,
  /\beste (?:buzón|correo|dirección)(?: de correo)? no (?:está|es|se) (?:monitorizado|supervisado|revisado|revisa|monitorea)\b/,
]);

/** Challenge-response filters asking the sender to prove they are a person. */
export const CHALLENGE_BODY = anyOf([
  /\b(?:verify|confirm|prove) (?:that )?you(?:'re| are) (?:a )?(?:human|real person|not a robot)\b/,
  /\b(?:verify|confirm) your (?:e-?mail(?: address)?|identity|message)\b.*\b(?:click|link|deliver)/,
  /\bclick (?:on )?(?:the link|here|below)\b.*\b(?:verify|confirm|be added|release|approved senders?|whitelist)/,
  /\b(?:sender verification|challenge-response|approved senders? list|spam (?:protection|filter) (?:requires|asks))\b/,
  /\bbestätigen sie,? dass sie (?:ein mensch|kein roboter)\b|\bconfirmez que vous (?:êtes (?:un humain|une personne)|n'êtes pas un robot)\b|\bconfirme que (?:es|eres) (?:un )?humano\b/,
]);

/** An automatic notice that the person has left (then it is a wrong-person reply with a referral). */
export const LEFT_COMPANY = anyOf([
  /\b(?:i have|i've|i|has|have) (?:left|departed) (?:the (?:company|firm|organi[sz]ation|business|team)|my (?:role|position|job))\b/,
  /\b(?:i am|i'm|is|are) no longer (?:with|at|working (?:at|for|with|here)|employed|part of)\b|\bno longer works? (?:here|at|for|with)\b/,
  /\bnicht mehr (?:im unternehmen|bei|für|in der firma)\b|\bhat das unternehmen verlassen\b|\bist ausgeschieden\b/,
  /\bne (?:fait|travaille) plus (?:partie|chez|dans|pour)\b|\b(?:a|ai) quitté (?:l'entreprise|la société)/,
  /\bya no (?:trabaja|trabajo|forma parte|formo parte|está en|estoy en)\b|\bha dejado la empresa\b/,
]);
