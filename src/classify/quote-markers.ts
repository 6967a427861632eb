// Where a reply's own words end, for the headers email-reply-parser misses. Each pattern marks the
// first line of quoted history (or of a mobile signature); the text is cut at the earliest match.

/**
 * Outlook's reply header when the sender has no `<address>` (internal mail, "From: Sam Rivera"),
 * which the parser's From:/Von:/De: patterns miss, and French Outlook's "De :" with a space before
 * the colon: a From line followed within two lines by a Sent/Date line, in English, German,
 * French, Spanish, Italian and Dutch. Outlook may bold the labels ("*From:*") in text it converts.
 */
const OUTLOOK_HEADER =
  /^[ \t]*\*?(?:From|Von|De|Da|Van)[ \t]?:\*?[ \t].*\n(?:.*\n)?[ \t]*\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado(?: el)?|Fecha|Inviato|Data|Verzonden)[ \t]?:/mu;

/** "-----Original Message-----" (Outlook, Thunderbird's "-------- Original Message --------"), in six languages. */
const ORIGINAL_MESSAGE =
  /^[ \t]*-{2,}[ \t]*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht)[ \t]*-{2,}[ \t]*$/imu;

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
 * The line a phone's mail app appends. The parser knows some ("Sent from ...", "Von ... gesendet")
 * only as signature lines and keeps what precedes them oddly when quoted text follows directly.
 */
const MOBILE_SIGNATURE =
  /^[ \t]*(?:Sent from my \S.*|Sent from (?:Outlook|Yahoo Mail|Mail|Gmail) for \S.*|Get Outlook for \S.*|Von meinem \S+(?: \S+)? gesendet|Gesendet von meinem \S.*|Envoyé de mon \S.*|Envoyé depuis mon \S.*|Enviado desde mi \S.*|Inviato da(?:l mio)? \S.*|Verzonden (?:vanaf|met) mijn \S.*|(?:iPhone|iPad|Android)から送信)[ \t]*$/imu;

const MARKERS: readonly RegExp[] = [OUTLOOK_HEADER, ORIGINAL_MESSAGE, FORWARDED, JAPANESE_HEADER, MOBILE_SIGNATURE];

/** A separator line left above a cut: Outlook's underscores, an HTML rule turned into dashes. */
const TRAILING_SEPARATOR = /\n[ \t]*[-_=*]{5,}[ \t]*\s*$/u;

/** The text before the first quote marker or mobile signature; the whole text when there is none. */
export function cutAtQuoteMarker(text: string): string {
  let end = text.length;
  for (const marker of MARKERS) {
    const match = marker.exec(text);
    if (match && match.index < end) end = match.index;
  }
  return end === text.length ? text : text.slice(0, end).replace(TRAILING_SEPARATOR, '\n');
}
