// Where a reply's own words end, for the headers email-reply-parser misses. Each pattern marks the
// first line of quoted history (or of a mobile signature); the text is cut at the earliest match.

/**
 * Outlook's reply header when the sender has no `<address>` (internal mail, "From: Sam Rivera"),
 * which the parser's From:/Von:/De: patterns miss, and French Outlook's "De :" with a space before
 * the colon: a From line followed within two lines by a Sent/Date line, in English, German,
 * French, Spanish, Italian, Dutch, Danish/Norwegian (Fra:/Sendt:), Swedish (Från:/Skickat:), Polish
 * (Od:/Wysłano:), Portuguese, Russian, Ukrainian, Chinese and Japanese. Outlook may bold the labels
 * ("*From:*") in text it converts. A From value that starts with a digit is a reply's own time
 * range ("From: 10:00\nTo: 11:00\nDate: Thursday").
 */
const OUTLOOK_HEADER =
  /^[ \t]*\*?(?:From|Von|De|Da|Van|Fra|Från|Od|От|Від|发件人|寄件者|差出人)[ \t]?[:：]\*?[ \t]?(?![ \t]*\d).*\n(?:.*\n)?[ \t]*\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado(?: el| em)?|Enviada(?: em)?|Fecha|Inviato|Data|Verzonden|Sendt|Skickat|Wysłano|Отправлено|Дата|Надіслано|发送时间|寄件日期|送信日時)[ \t]?[:：]/mu;

/** "-----Original Message-----" (Outlook, Thunderbird's "-------- Original Message --------", "-----Reply Message-----"), in many languages. */
const ORIGINAL_MESSAGE =
  /^[ \t]*-{2,}[ \t]*(?:Original Message|Reply Message|Ursprüngliche Nachricht|Ursprüngliche Mail|Mail original|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Oprindelig meddelelse|Opprinnelig melding|Ursprungligt meddelande|Oryginalna wiadomość|Wiadomość oryginalna|Mensagem original|Исходное сообщение|Оригинальное сообщение|原始邮件|原始郵件)[ \t]*-{2,}[ \t]*$/imu;

/**
 * A forwarded block: Gmail's "---------- Forwarded message ---------", Thunderbird's
 * "-------- Forwarded Message --------", Apple Mail's "Begin forwarded message:".
 */
const FORWARDED =
  /^[ \t]*(?:-{2,}[ \t]*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato)[ \t]*-{2,}|(?:Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié|Inicio del mensaje reenviado)[ \t]*:)/imu;

/**
 * Japanese Gmail: "2026年3月2日(月) 9:00 Dana Kim <dana@x.com>:", which Gmail may wrap inside the
 * address; Japanese Apple Mail: "2026/03/02 9:00、Dana Kim <dana@x.com>のメッセージ:". All the
 * reply parsers measured missed the first (STACK-NOTES, "Reply text extraction").
 */
const JAPANESE_HEADER =
  /^[ \t]*(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}\/\d{1,2}\/\d{1,2})[^\n]*(?:\n[^\n]*)?(?:>|のメッセージ)[ \t]*[:：][ \t]*$/mu;

/**
 * An attribution naming the writer's address and ending in a verb of writing, in the languages
 * whose clients put the address before the verb: "Anna <anna@x.de> schrieb am 5. März:",
 * "Den 5. mar. 2014 kl. 10.00 skrev Anna <anna@x.dk>:", "5 марта 2014 г., пользователь Anna
 * <anna@x.ru> написал:", "Vào 10:00 Anna <anna@x.vn> đã viết:" (over at most two lines; Gmail may
 * wrap the line inside the angle brackets).
 */
// Bounded repeats: an attribution is a line or two, and a long line full of "<a@b>" must stay linear.
const ATTRIBUTION_WITH_ADDRESS =
  /^[^\n]{0,200}<\s{0,3}[^<>\s]{1,100}@[^<>\s]{1,100}>[^\n]{0,200}(?:\n[^\n]{0,200})?(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef|skrev|napisał\(a\)|napisała|napisał|написал\(а\)|написала|написал|написав|đã viết|escreveu)[^\n]{0,80}[:：][ \t]*$(?=\n(?:[ \t]*\n)?[ \t]*>)/mu;

/**
 * An ISO-dated attribution (Gmail in some locales): "2014-03-20 8:48 GMT+01:00 Anna <anna@x.se>:".
 * This one and the one above count only with quoted lines (">") right below: a reply's own
 * sentence may name someone's address and end in a colon.
 */
const ISO_DATED_HEADER =
  /^[ \t]*\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}[:.]\d{2}[^\n]{0,200}(?:\n[^\n]{0,200})?<[^<>\s]{1,100}@[^<>\s]{1,100}>[ \t]*[:：][ \t]*$(?=\n(?:[ \t]*\n)?[ \t]*>)/mu;

/**
 * An attribution that ends in the writer's address, whatever comes before it: mail.ru's "Thu, 5 Mar
 * 2026 10:00 +0300 от Anna <anna@x.ru>:", Russian Gmail's "вт, 3 мар. 2026 г. в 10:12, Anna
 * <anna@x.ru>:", and the clients that put the verb first: "tis 3 mars 2026 kl 10:12 skrev Anna
 * <anna@x.se>:", "Op 3 mrt. 2026 om 10:12 schreef Anna <anna@x.nl>:". Counted only with quoted lines
 * right below, as the two patterns above. A first line of two is one a client wrapped: a long one
 * (a short "Hi," above the attribution is the reply's own).
 */
const ATTRIBUTION_ENDING_IN_ADDRESS =
  /^(?:[^\n]{40,200}\n)?[^\n]{0,200}<[^<>\s]{1,100}@[^<>\s]{1,100}>[ \t]*[:：][ \t]*$(?=\n(?:[ \t]*\n)?[ \t]*>)/mu;

/**
 * An attribution without an address, ending in a verb of writing, in any client and language:
 * "04.03.2026 10:12, Anna Berg пишет:", "Den 4. mars 2026 skrev Anna Berg:", "Anna Berg 于2026年3月4日
 * 写道：", "Am 4. März 2026 hat Anna Berg Folgendes geschrieben:" (Yahoo), "Op 4 mrt. 2026 om 10:12 heeft
 * Anna Berg <anna@x.nl> het volgende geschreven:" (Apple Mail). Only with quoted lines right
 * below, and with a digit (the date or time every client writes): a reply's own sentence may end in
 * "wrote:" above a quote it answers ("As Sam wrote:\n> …"). One line: the parser joins the wrapped
 * ones it knows.
 */
const ATTRIBUTION_BEFORE_QUOTE =
  /^(?![ \t]*>)(?=[^\n]{0,200}\d)[^\n]{0,200}(?:\bwrote|\bschrieb|geschrieben|geschreven|a écrit|escribió|ha scritto|schreef|\bskrev|napisał\(a\)|napisała|napisał|\bpisze|написал\(а\)|написала|написал|пишет|написав|пише|đã viết|escreveu|kirjoitti|írta|napsal|写道|寫道|작성)[ \t]*[:：][ \t]*$(?=\n(?:[ \t]*\n)?[ \t]*>)/mu;

/**
 * An attribution that Gmail wrapped before the address: "On Tue, Mar 3, 2026 at 10:12 AM, Anna
 * Berg\n<anna@x.com>wrote:" (often without a space before the verb). No sentence of a reply's own
 * starts with an address, so the line above it belongs to the attribution.
 */
const ATTRIBUTION_WRAPPED_BEFORE_ADDRESS =
  /^[^\n]{1,200}\n[ \t]*<[^<>\s]{1,100}@[^<>\s]{1,100}>[ \t]*(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef|skrev|napisał\(a\)|написал\(а\)|escreveu)[^\n]{0,80}[:：][ \t]*$/mu;

/**
 * Lotus Notes' attributions, with no quoted lines below (Notes indents or does not mark its quote):
 * "Anna Berg <anna@x.de> schrieb am 04.03.2026 10:12:00:", "… wrote on 03/04/2026 10:12:00 AM:",
 * and "-----"Anna Berg" <anna@x.com> wrote: -----". A numeric date right after the verb, or the
 * dashes around the line, set them apart from a sentence.
 */
const LOTUS_NOTES_ATTRIBUTION =
  /^(?:[^\n]{1,200}\b(?:wrote on|schrieb am|a écrit le|escribió el|ha scritto il|schreef op)[ \t]+\d{1,4}[./-]\d{1,2}[./-]\d{1,4}[^\n]{0,40}[:：]|[ \t]*-{3,}[^\n]{1,200}(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef)[ \t]?:[ \t]*-{3,})[ \t]*$/mu;

/** Polish Apple Mail: "Wiadomość napisana przez Anna <anna@x.pl> w dniu 04.03.2026, o godz. 10:12:". */
const POLISH_APPLE_MAIL = /^[ \t]*Wiadomość napisana przez [^\n]{1,200}[:：][ \t]*$/mu;

/**
 * A header block of three or more lines in any order (Hotmail's Date/Subject/From/To, Lotus Notes'
 * From/To/Date, Zimbra's From/To/Sent, forwarded headers), in the languages of OUTLOOK_HEADER.
 * HEADER_BLOCK finds the block; it counts only when its lines name a sender and a subject (FROM_LABEL,
 * SUBJECT_LABEL): a reply's own "From: 10:00\nTo: 11:00\nDate: Thursday" is no header.
 */
const HEADER_LABEL =
  '[ \\t]*\\*?(?:From|To|Cc|Date|Sent|Subject|Von|An|Datum|Gesendet|Betreff|De|À|A|Para|Envoyé|Objet|Fecha|Enviado|Asunto|Da|Inviato|Oggetto|Van|Aan|Verzonden|Onderwerp|Fra|Til|Sendt|Emne|Från|Till|Skickat|Ämne|Od|Do|Wysłano|Temat|Data|Assunto|От|Кому|Отправлено|Дата|Тема|发件人|收件人|发送时间|主题|差出人|宛先|送信日時|件名)[ \\t]?[:：]\\*?';
const HEADER_BLOCK = new RegExp(`^(?:${HEADER_LABEL}[^\\n]{0,300}\\n){2,8}${HEADER_LABEL}`, 'gmu');
const FROM_LABEL = /^[ \t]*\*?(?:From|Von|De|Da|Van|Fra|Från|Od|От|发件人|差出人)[ \t]?[:：]/mu;
const SUBJECT_LABEL = /^[ \t]*\*?(?:Subject|Betreff|Objet|Asunto|Oggetto|Onderwerp|Emne|Ämne|Temat|Assunto|Тема|主题|件名)[ \t]?[:：]/mu;

/**
 * The line a phone's mail app appends. The parser knows some ("Sent from ...", "Von ... gesendet")
 * only as signature lines and keeps what precedes them oddly when quoted text follows directly.
 * A short line without a comma or sentence end: "Sent from my desk, which is easier" is prose.
 */
const MOBILE_SIGNATURE =
  /^[ \t]*(?:Sent (?:from|with|via) (?:my )?[^,;.!?:\n]{1,50}|Sent from (?:Outlook|Yahoo Mail|Mail|Gmail) for \S.*|Get Outlook for \S.*|(?:Holen Sie sich Outlook für|Obtenir Outlook pour|Obtener Outlook para|Scarica Outlook per|Baixar o Outlook para) [^,;!?\n]{1,40}|Von meinem \S+(?: \S+)? gesendet|Gesendet von meinem \S.*|Envoyé de mon \S.*|Envoyé depuis mon \S.*|Enviado desde mi \S.*|Inviato da(?:l mio)? \S.*|Verzonden (?:vanaf|met) mijn \S.*|(?:Verstuurd vanaf mijn|Envoyé à partir de|Télécharger Outlook pour|Sendt fra min|Skickat från min|Wysłane z|Enviado do meu|Отправлено с) [^,;!?\n]{1,40}|(?:发自我的|从我的)[^,;!?，。\n]{1,20}|(?:iPhone|iPad|Android)から送信)[ \t]*$/imu;

/**
 * A mailing list's footer, which a list server appends below a reply (Google Groups, Mailman):
 * "You received this message because you are subscribed to the Google Groups ...", Mailman's
 * "___\nlistname mailing list".
 */
const LIST_FOOTER =
  /^[ \t]*(?:You received this (?:message|email) because you are subscribed to|To unsubscribe from this group and stop receiving|Sie erhalten diese Nachricht, weil Sie .{0,80}abonniert|Vous recevez ce message car vous êtes abonné|Recibiste este mensaje porque estás suscrito)|^_{10,}[ \t]*\n[^\n]{1,80} mailing list[ \t]*$/imu;

const MARKERS: readonly RegExp[] = [
  LIST_FOOTER,
  OUTLOOK_HEADER,
  ORIGINAL_MESSAGE,
  FORWARDED,
  JAPANESE_HEADER,
  ATTRIBUTION_WITH_ADDRESS,
  ISO_DATED_HEADER,
  ATTRIBUTION_ENDING_IN_ADDRESS,
  ATTRIBUTION_BEFORE_QUOTE,
  ATTRIBUTION_WRAPPED_BEFORE_ADDRESS,
  LOTUS_NOTES_ATTRIBUTION,
  POLISH_APPLE_MAIL,
  MOBILE_SIGNATURE,
];

/** A separator line left above a cut: Outlook's underscores, an HTML rule turned into dashes. */
const TRAILING_SEPARATOR = /\n[ \t]*[-_=*]{5,}[ \t]*\s*$/u;

/** The text before the first quote marker or mobile signature; the whole text when there is none. */
export function cutAtQuoteMarker(text: string): string {
  return cutAt(text, firstQuoteMarker(text));
}

/** Where the first quote marker or mobile signature starts; the length of `text` when there is none. */
export function firstQuoteMarker(text: string): number {
  let end = headerBlock(text);
  for (const marker of MARKERS) {
    const match = marker.exec(text);
    if (match && match.index < end) end = match.index;
  }
  return end;
}

/** The text before `end`, without a separator line left just above it. */
export function cutAt(text: string, end: number): string {
  return end >= text.length ? text : text.slice(0, end).replace(TRAILING_SEPARATOR, '\n');
}

/** Where the first header block naming a sender and a subject starts (HEADER_BLOCK), or the length of `text`. */
function headerBlock(text: string): number {
  for (const match of text.matchAll(HEADER_BLOCK)) {
    // The block's last line is matched only up to its label; read it whole.
    const lineEnd = text.indexOf('\n', match.index + match[0].length);
    const block = text.slice(match.index, lineEnd === -1 ? text.length : lineEnd);
    if (FROM_LABEL.test(block) && SUBJECT_LABEL.test(block)) return match.index;
  }
  return text.length;
}
