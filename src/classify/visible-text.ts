import EmailReplyParser from 'email-reply-parser';
import { cutHtmlQuotes, htmlToPlainText } from './html-quotes.ts';
import { cutAt, cutAtQuoteMarker, firstQuoteMarker } from './quote-markers.ts';

// email-reply-parser is an ES module whose default export is the class itself, so no `.default`
// is needed from here (that is only true from CommonJS). It handles "On ... wrote:" in many
// languages, `>` lines, inline quotes, "--" signatures and some mobile signatures; the headers it
// misses are cut first (quote-markers.ts).
const parser = new EmailReplyParser();

/**
 * Replies put their new words first, so only the start of a body is read. The parser's header
 * regexes (`On\s.+\s.+`) take quadratic time on one long line that starts like a header: measured
 * 0.1 s at 16,000 characters, 1.9 s at 64,000. Unit: characters.
 */
const MAX_INPUT_CHARS = 16_000;

/**
 * A closing line the parser keeps ("Thanks,", "Best,"), in EN, DE, FR, ES, JA, NL, DA, NO, SV, PL, PT,
 * IT, RU and ZH; what follows it is the sender's name and title.
 */
const SIGN_OFF =
  /^(?:thanks|thank you|thx|many thanks|best|all the best|best regards|kind regards|warm regards|regards|cheers|sincerely|br|(?:viele|beste|liebe|schöne|herzliche|freundliche|mit freundlichen) gr(?:ü|ue)(?:ß|ss)en?|gru(?:ß|ss)|vg|lg|mfg|danke|merci|cordialement|bien à vous|bien cordialement|salutations|saludos|un saludo|saludos cordiales|atentamente|gracias|よろしくお願いします|よろしくお願いいたします|met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|groet(?:en|jes)?|mvg|bedankt|med venlig hilsen|venlig hilsen|med vennlig hilsen|vennlig hilsen|mvh|hilsen|med vänliga hälsningar|vänliga hälsningar|hälsningar|mvh|tack|pozdrawiam|z poważaniem|dziękuję|atenciosamente|cumprimentos|abraços|obrigad[oa]|cordiali saluti|distinti saluti|saluti|grazie|с уважением|всего доброго|спасибо|此致敬礼|此致|祝好|谢谢|謝謝)[\s,.!]*$/iu;

/** Lines after a sign-off that still read as a signature (name, title, company, phone). */
const MAX_SIGNATURE_LINES = 4;
const MAX_SIGNATURE_LINE_WORDS = 8;

/**
 * The new words of a reply: quoted history and signature removed, trimmed, with runs of blank
 * lines collapsed to one. Prefers the text part; converts HTML only when there is no text part,
 * cutting its quote containers (Gmail, Outlook, Apple Mail, Thunderbird) before converting.
 */
export function extractVisibleText(text: string | undefined, html: string | undefined): string {
  const source = text?.trim() ? text : html?.trim() ? htmlToPlainText(cutHtmlQuotes(html)) : '';
  if (!source) return '';
  const whole = source.replace(/\r\n?/g, '\n').replaceAll(KEEP, '').slice(0, MAX_INPUT_CHARS);
  const end = firstQuoteMarker(whole);
  const top = cutAt(whole, end);
  const answers = inlineAnswers(whole.slice(end));
  // Answers below the quote count when nothing came above it (bottom posting) or when quoted lines
  // follow them (answers between the quoted lines); else what follows the quote is history.
  const body = answers && (!top.trim() || answers.between) ? `${top}\n\n${cutAtQuoteMarker(answers.text)}` : top;
  return tidy(dropSignOff(parser.parseReply(protectProse(body)).replaceAll(KEEP, ' ')));
}

/**
 * A private-use character (no meaning in mail; removed from the input first) put for the space after
 * the first word of a line the parser would take for a signature, to keep that line.
 */
const KEEP = '\uE000';

/**
 * The parser takes every line that starts "Sent from ", "Enviado desde ", … for a phone signature and
 * drops it with all below it. The phone signatures were cut before (quote-markers.ts, which reads
 * the whole line: "Sent from my iPhone" but not "Sent from my desk, which is easier"); a line that
 * still starts so is the reply's own.
 */
const PARSER_SIGNATURE_START =
  /^(Sent|Sendt|Envoyé|Enviado|Verzonden|Verstuurd) (?=(?:from|fra|depuis|de mon|à partir de|desde|vanaf) )/gmu;

function protectProse(text: string): string {
  return text.replace(PARSER_SIGNATURE_START, `$1${KEEP}`);
}

/** A dash signature as the last line: "-Anna", "- Anna Berg", "—A.B.". */
const DASH_SIGNATURE = /^[ \t]*[-–—][ \t]?\p{Lu}[\p{L}.'’-]*(?:[ \t]\p{Lu}[\p{L}.'’-]*){0,2}[ \t]*$/u;
const LIST_ITEM = /^[ \t]*[-–—*•]/u;

/** The text without a last line "-Anna", unless that line ends a list of such lines ("- Reporting\n- Salesforce Sync"). */
function dropDashSignature(text: string): string {
  const lines = text.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  const before = lines.slice(0, -1).filter((l) => l.trim());
  if (!DASH_SIGNATURE.test(last) || before.length === 0 || LIST_ITEM.test(before.at(-1) ?? '')) return text;
  return lines.slice(0, -1).join('\n');
}

/** Removes a trailing "Thanks,\nAnna" (and a short title block), or "-Anna", when something came before it. */
function dropSignOff(whole: string): string {
  const text = dropDashSignature(whole.trimEnd());
  const lines = text.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= Math.max(1, lines.length - 1 - MAX_SIGNATURE_LINES); i--) {
    if (!SIGN_OFF.test(lines[i]?.trim() ?? '')) continue;
    const after = lines.slice(i + 1);
    const before = lines.slice(0, i).join('\n');
    if (before.trim() && after.every(isSignatureLine)) return before;
  }
  return text;
}

/**
 * A short line without sentence punctuation: "Anna Schmidt", "Head of Ops | Acme", "+49 30 1234567",
 * "anna@acme.com". One starting in lower case goes on a sentence ("Thanks\nfor everything.").
 */
function isSignatureLine(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (/^\s*\p{Ll}/u.test(line) && !/@|https?:|www\./.test(line)) return false;
  return words.length <= MAX_SIGNATURE_LINE_WORDS && !/[?!]|\.\s/.test(line);
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A quoted line: ">" after optional indentation. */
const QUOTED_LINE = /^[ \t]*>/;

/**
 * The lines below the first quoted line of `rest` that are not quoted, and whether quoted lines
 * follow one of them. Undefined when there are none (only history, a forward).
 */
function inlineAnswers(rest: string): { text: string; between: boolean } | undefined {
  const lines = rest.split('\n');
  const firstQuoted = lines.findIndex((line) => QUOTED_LINE.test(line));
  if (firstQuoted < 0) return undefined;
  const below = lines.slice(firstQuoted);
  const answers = below.filter((line) => !QUOTED_LINE.test(line));
  const firstAnswer = below.findIndex((line) => line.trim() && !QUOTED_LINE.test(line));
  if (firstAnswer < 0) return undefined;
  return { text: answers.join('\n'), between: below.slice(firstAnswer).some((line) => QUOTED_LINE.test(line)) };
}
