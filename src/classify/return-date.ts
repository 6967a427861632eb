import * as chrono from 'chrono-node';
import { datesInWords } from './return-date-words.ts';
import { anyOf } from './unicode-regex.ts';

type Locale = 'en' | 'de' | 'fr' | 'es' | 'pt' | 'it' | 'nl' | 'sv' | 'ru' | 'ja' | 'zh';

/** chrono-node's parser for each language it knows; Danish, Norwegian and Polish are read by return-date-words.ts. */
const PARSERS: Readonly<Record<Locale, chrono.Chrono>> = {
  en: chrono.en.casual,
  de: chrono.de.casual,
  fr: chrono.fr.casual,
  es: chrono.es.casual,
  pt: chrono.pt.casual,
  it: chrono.it.casual,
  nl: chrono.nl.casual,
  sv: chrono.sv.casual,
  ru: chrono.ru.casual,
  ja: chrono.ja.casual,
  zh: chrono.zh.casual,
};

/**
 * Words frequent in each language's out-of-office notices, to pick the parser: chrono's English
 * reads "04/03" as April 3, and its other locales miss what the English one would catch.
 */
const LANGUAGE_WORDS: ReadonlyArray<readonly [Locale | 'nordic' | 'pl', RegExp]> = [
  ['de', anyOf([/\b(?:ich|bin|nicht|und|ihre|bis|zurück|wieder|im|büro|urlaub)\b/], 'giu')],
  ['fr', anyOf([/\b(?:je|suis|serai|vous|votre|jusqu|retour|absente?|bureau|le|et)\b/], 'giu')],
  ['es', anyOf([/\b(?:estoy|estaré|volveré|hasta|oficina|su|el|los|y|gracias)\b/], 'giu')],
  ['pt', anyOf([/\b(?:estou|estarei|até|escritório|férias|você|obrigad[oa]|não|volta)\b/], 'giu')],
  ['it', anyOf([/\b(?:sono|sarò|fino|ufficio|ferie|il|gli|rientro|grazie)\b/], 'giu')],
  ['nl', anyOf([/\b(?:ik|ben|tot|het|een|niet|terug|afwezig|kantoor|vakantie|op)\b/], 'giu')],
  ['sv', anyOf([/\b(?:jag|är|och|tillbaka|inte|semester|kontoret|tack|till)\b/], 'giu')],
  ['nordic', anyOf([/\b(?:jeg|er|og|tilbage|tilbake|ikke|ferie|kontoret|fraværende|tak|takk)\b/], 'giu')],
  ['pl', anyOf([/\b(?:jestem|nie|biurem|urlopie|wracam|wrócę|dziękuję|do)\b/], 'giu')],
];

/** The language of the text, as well as a handful of words can tell. */
function languageOf(text: string): Locale | 'nordic' | 'pl' {
  if (/[\u3040-\u30ff]/u.test(text)) return 'ja';
  if (/[\u4e00-\u9fff]/u.test(text)) return 'zh';
  if (/[а-яё]/iu.test(text)) return 'ru';
  let best: Locale | 'nordic' | 'pl' = 'en';
  let bestCount = 1; // English unless another language's words appear at least twice
  for (const [language, words] of LANGUAGE_WORDS) {
    const count = text.match(words)?.length ?? 0;
    if (count > bestCount) [best, bestCount] = [language, count];
  }
  return best;
}

/** Notices name the return in their first lines; the rest (signatures, quoted mail) only costs parse time. Unit: characters. */
const MAX_TEXT_CHARS = 4_000;

/** Unit: milliseconds. A return date more than a year away is a misreading (a year in a signature, a contract date). */
const YEAR = 366 * 86_400_000;

/** The dates chrono reads: a day, not a time of day alone ("Hours: 9am - 5pm" names no return). */
function chronoDates(parser: chrono.Chrono, text: string, written: Date): Date[] {
  const dates: Date[] = [];
  const forward = parser.parse(text, written, { forwardDate: true });
  // Parsed again without forwardDate only for the ranges it may have moved.
  const plain = forward.some((result) => result.end) ? parser.parse(text, written) : [];
  forward.forEach((result, i) => {
    const named = result.start.isCertain('day') || result.start.isCertain('weekday') || result.start.isCertain('month');
    if (!named) return;
    // forwardDate moves a range begun before the message ("from 1 to 10 March", written on the 4th)
    // a year on: the range as written, when its end is still to come, is the one meant.
    const asWritten = plain[i]?.index === result.index ? plain[i] : undefined;
    const end = asWritten?.end?.date();
    dates.push(end && end > written ? end : (result.end ?? result.start).date());
  });
  return dates;
}

/**
 * The date an out-of-office writer says they are back, read from their words relative to when
 * the message was written ("back on Monday", "until 12 March", "zurück am 3. März", "tilbage den
 * 4.", "wracam 14 grudnia"). The latest date named counts ("away from 3 March until 10 March").
 * Undefined when no date is named, or the one named has passed or is over a year away: the
 * caller then picks its default.
 */
export function outOfOfficeReturnDate(fullText: string, written: Date): Date | undefined {
  const text = fullText.slice(0, MAX_TEXT_CHARS);
  const language = languageOf(text);
  // The text's own language first; English, then the small parser (a bare "le 12"), only when it finds nothing.
  const readers: Array<() => Date[]> = [
    ...(language === 'nordic' || language === 'pl' ? [] : [() => chronoDates(PARSERS[language], text, written)]),
    ...(language === 'en' ? [] : [() => chronoDates(PARSERS.en, text, written)]),
    () => datesInWords(text, written),
  ];
  if (language === 'nordic' || language === 'pl') readers.unshift(() => datesInWords(text, written));
  let found: Date[] = [];
  for (const read of readers) {
    found = read();
    if (found.length > 0) break;
  }
  if (found.length === 0) return undefined;
  const latest = new Date(Math.max(...found.map((d) => d.getTime())));
  return latest > written && latest.getTime() - written.getTime() <= YEAR ? latest : undefined;
}
