// Wording of messages a program sends on someone's behalf. Out-of-office notices are read in
// English, German, French, Spanish, Portuguese, Italian, Dutch, Danish, Swedish, Norwegian,
// Polish, Russian, Japanese and Chinese; receipts in English, German, French, Spanish, Dutch,
// Italian and Portuguese. Each pattern is specific enough that a person
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
  // Names responders give the notice itself; Lotus Notes writes "<name> is out of the office".
  /\b(?:vacation|holiday|annual leave) (?:reply|response|notice|message)\b|\bon (?:vacation|holiday|leave)\b/,
  /\babwesend\b|\bim urlaub\b|\burlaubsvertretung\b|\bau(?:ß|ss)er haus\b/,
  /\babsente?\b|\babsence\b|\ben congés?\b|\ben vacances\b/,
  /\bausente\b|\bausencia\b|\bde vacaciones\b|\bfora do escritório\b|\bausência\b|\bde férias\b/,
  /\bfuori sede\b|\bassente\b|\bassenza\b|\bin ferie\b/,
  /\bafwezigheid(?:smelding|sbericht)?\b|\bniet op kantoor\b|\bbuiten kantoor\b|\bmet vakantie\b/,
  /\bfraværende\b|\bfravær\b|\bferie\b|\bikke på kontoret\b|\bfrånvar(?:o|ande)\b|\bpå semester\b|\binte på kontoret\b/,
  /\bpoza biurem\b|\bnieobecn(?:y|a|ość)\b|\burlop\b/,
  /отсутств|\bв отпуске\b|вне офиса|не в офисе/,
  /不在|休暇|外出中|出張中|休假|不在办公室|不在辦公室|外出/,
]);

/** Subjects any other responder uses (Sieve vacation's "Auto:", helpdesk receipts, challenge-response). */
export const AUTO_SUBJECT = anyOf([
  /^auto:|\bauto[- ]?(?:reply|response|responder|antwort)\b|\bautoreply\b|\bautorespon/,
  /\bauto-?forwarded\b|\bautosvar\b/,
  /\b(?:ticket|case|request|anfrage|demande|solicitud|caso)\s*(?:#|no\.?|nr\.?|n°|number|nummer|número)\s*:?\s*\[?\w*\d/,
  /\[(?:ticket|case|request)?\s*#\s*\w*\d+\]/,
  /\brequest received\b|\bwe(?:'ve| have)? received your\b|\bthank you for contacting\b/,
  /\bplease (?:verify|confirm)\b.*\b(?:human|e-?mail|sender|address)\b|\bsender verification\b|\bverification required\b/,
]);

/** The subject before its first reply or forward prefix: what the responder wrote, not what it quotes. */
export function subjectHead(subject: string): string {
  const prefix = /\b(?:re|aw|sv|vs|wg|fwd?|tr|rv|res|antw|odp|ynt)\s*:/i.exec(subject);
  return prefix ? subject.slice(0, prefix.index) : subject;
}

/** The writer announcing being away (not mentioning a past trip: "I was on vacation"). */
export const OOO_BODY = anyOf([
  /\bout of (?:the )?office\b|\bout of office\b|\baway from (?:the|my) (?:office|desk)\b/,
  /\b(?:i am|i'm|i’m|currently|will be|i'll be|i’ll be|i will be) (?:currently |now )?(?:away|out(?! of)|travell?ing|off|on (?:vacation|holiday|holidays|annual leave|parental leave|maternity leave|paternity leave|sick leave|leave|pto|a business trip))\b/,
  /\b(?:i am|i'm) at (?:a|the|our) (?:trade ?show|conference|trade fair|offsite|off-site)\b[^.!?\n]{0,60}?\b(?:on my return|upon my return|when i(?:'m| am) back)\b/,
  /\baway (?:until|till|through|from the office)\b|\bback in the office\b|\blimited access to (?:my )?e-?mail\b|\bno access to (?:my )?e-?mail\b/,
  /\bnicht im büro\b|\babwesenheit\b|\bbin\b(?:[^.!?\n]|(?<=\d)\.){0,40}?\b(?:im urlaub|abwesend|nicht erreichbar|in elternzeit|auf dienstreise)\b|\bwieder im büro\b/,
  /\bje suis\b[^.!?\n]{0,30}?\b(?:absente?|en congés?|en vacances|en déplacement)\b|\babsente? du bureau\b|\bde retour (?:le|au bureau)\b/,
  /\b(?:estoy|estaré|me encuentro)\b[^.!?\n]{0,30}?\b(?:fuera de la oficina|de vacaciones|ausente|de viaje)\b|\bfuera de la oficina\b|\bde vuelta (?:el|en la oficina)\b/,
  /\bhors du bureau\b|\bactuellement absente?\b/,
  /\b(?:estou|estarei|encontro-me)\b[^.!?\n]{0,30}?\b(?:fora do escritório|de férias|ausente|em viagem)\b|\bfora do escritório\b/,
  /\bsono (?:fuori ufficio|in ferie|assente)\b|\bfuori (?:ufficio|sede)\b|\bin ferie fino\b|\bsarò assente\b/,
  /\bben (?:ik )?(?:\S+ )?(?:afwezig|op vakantie|met vakantie|niet (?:op kantoor|aanwezig|bereikbaar))\b|\bafwezig (?:tot|van|t\/m)\b/,
  /\b(?:er|är) (?:\S+ )?(?:fraværende|frånvarande|på ferie|på semester|ikke på kontoret|inte på kontoret|ikke til stede)\b|\bholder ferie\b/,
  /\bjestem (?:\S+ )?(?:poza biurem|na urlopie|nieobecn[ya]|w delegacji)\b|\bpoza biurem\b/,
  /(?:^|[^\p{L}])(?:отсутствую|нахожусь в отпуске|я в отпуске|буду вне офиса|нахожусь вне офиса|не в офисе|в командировке)(?![\p{L}])/u,
  /不在にしております|休暇中|不在です|不在のため|出張中|外出しております|我(?:目前|现在|現在)?(?:正在)?(?:休假|出差|不在办公室|不在辦公室)|(?:休假|出差)(?:中|期间|期間)/,
]);

/**
 * A return announced ("zurück am 3. März", "de retour le 12", "volveré el lunes", "terug op
 * maandag", "tilbage den 4."). A person writes the same ("I'll be back on Monday, let's talk
 * then"), so it marks an out-of-office only in a message headers or a subject already call automatic.
 */
export const RETURN_BODY = anyOf([
  /\b(?:i'll|i will|i am|i'm|will) be back\b|\bback (?:in the office |at work )?on\b|\breturn(?:ing)? (?:to the office )?on\b/,
  /\bzurück (?:am|ab)\b|\bwieder (?:im büro|erreichbar|da)\b|\bab dem\b[^.!?\n]{0,30}?\bwieder\b/,
  /\bde retour\b|\bje serai (?:de nouveau )?(?:disponible|joignable)\b/,
  /\b(?:volveré|regresaré|estaré de vuelta|de regreso|de vuelta)\b|\b(?:voltarei|retornarei|estarei de volta|de volta)\b/,
  /\b(?:rientrerò|sarò di ritorno|di ritorno|rientro)\b/,
  /\b(?:weer|ben) (?:terug|aanwezig|bereikbaar)\b|\bterug op\b/,
  /\b(?:er|är) (?:\S+ )?(?:tilbage|tilbake|tillbaka)\b|\b(?:tilbage|tilbake|tillbaka) (?:den|på|igen|igjen|i)\b/,
  /\b(?:wracam|wrócę|będę (?:ponownie )?dostępn[ya])\b/,
  /(?:^|[^\p{L}])(?:вернусь|буду в офисе|выйду на работу)/u,
  /に戻ります|より出社|以降(?:に|、)|回来|回來|返回办公室|上班/,
]);

/**
 * What responders add to "I am away" and people rarely do: a return, an "until", a thank-you for
 * the message, an urgent-matters line. Out-of-office wording alone can be a person ("I'm travelling
 * this week, but yes, Tuesday"), so it counts only beside one of these (or an automatic header).
 */
export const OOO_CUE = anyOf([
  /\b(?:until|till|through|back|return|returning|limited access|no access|urgent|thank you for your (?:e-?mail|message))\b/,
  /\b(?:bis|zurück|wieder|dringend|vielen dank für ihre)\b|\bjusqu|\b(?:retour|urgence|urgent|merci (?:pour|de) votre)\b/,
  /\b(?:hasta|regreso|vuelta|volveré|urgente|gracias por su|até|retorno|voltarei|obrigad[oa] pel[ao])\b/,
  /\b(?:fino|rientro|rientrerò|urgenze|grazie per)\b/,
  /\b(?:tot|t\/m|terug|dringend|spoed|bedankt voor)\b/,
  /\btil (?:den )?\d|\bt\.o\.m\.|\b(?:til og med|indtil|frem til|tilbage|tilbake|haster|akut|tak for|takk for|till och med|tillbaka|brådskande|tack för)\b/,
  /\bdo (?:dnia )?\d|\b(?:wracam|wrócę|powrocie|pilne|pilnych|dziękuję za)\b/,
  /(?:^|[^\p{L}])(?:до \d|до (?:понедельника|вторника|среды|четверга|пятницы|конца)|вернусь|срочн|спасибо за)/u,
  /以降|戻り|返信いたします|まで|急ぎ|之前|之后|之後|返回|回来|回來|紧急|緊急/,
]);

/**
 * Helpdesk receipts: "we have received your request #1234". A person may write "we received your
 * email" too, so a receipt counts only with the promise of an answer that follows it (within 80 characters).
 */
export const TICKET_BODY = anyOf([
  /\bwe(?:'ve| have)? (?:successfully )?received your (?:request|message|e-?mail|inquiry|enquiry|ticket|support request)\b[^\n]{0,80}?\b(?:will|shall|within|as soon as|shortly|promptly|in touch|get back|respond|reply)\b/,
  /\byour (?:request|ticket|case|inquiry|enquiry|message|e-?mail) (?:has been|was) (?:received|created|logged|opened|submitted)\b/,
  /\b(?:ticket|case|request) (?:number|no\.?|id|reference)\s*:?\s*#?\s*\w*\d{3,}|\b(?:ticket|case|request) #\s*\w*\d{2,}/,
  /\bthis is an? (?:automated|automatic|auto-generated|automatically generated) (?:message|response|reply|e-?mail|notification|confirmation)\b/,
  /\bplease do not reply to this (?:e-?mail|message)\b/,
  /\bwir haben ihre (?:anfrage|nachricht|e-?mail) (?:erhalten|bekommen)\b[^\n]{0,80}?\b(?:werden|melden|umgehend|schnellstmöglich|innerhalb|bearbeit)|\bticketnummer\b|\bdies ist eine automatische (?:antwort|nachricht|e-?mail)\b/,
  /\bnous avons (?:bien )?reçu votre (?:demande|message|e-?mail|courriel)\b[^\n]{0,80}?(?:répondr|reviendr|trait|dans les plus brefs|rapidement|sous \d|dès que)|\bnuméro de (?:ticket|dossier|demande)\b|\bceci est un (?:message|e-?mail) automatique\b/,
  /\bwe hebben uw (?:verzoek|bericht|e-?mail|aanvraag|vraag) (?:goed )?ontvangen\b[^\n]{0,80}?(?:contact|reageren|antwoord|zo snel mogelijk|binnen)/,
  /\babbiamo ricevuto la sua (?:richiesta|e-?mail|mail|messaggio)\b[^\n]{0,80}?(?:rispond|contatt|al più presto|entro)/,
  /\brecebemos (?:a sua|sua|o seu|seu) (?:solicitação|pedido|mensagem|e-?mail)\b[^\n]{0,80}?(?:respond|contato|contacto|em breve|brevemente|dentro de)/,
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
