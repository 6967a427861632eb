import * as chrono from 'chrono-node';

/** A date a person named in a reply ("ping me again in March"), and the words it was read from. */
export interface NamedDate {
  /** The first day the person asked to hear from us again, at the start of that day (UTC). */
  at: Date;
  /** The words as the person wrote them, to show a rep and in the timeline. */
  phrase: string;
}

// Only the opening of a reply names the date it is about; chrono on a long text costs time
// on the event loop, and a long text is where stray dates live (quotes, footers).
const READ_CHARS = 2_000;

const MONTHS: Record<string, readonly string[]> = {
  de: ['januar', 'februar', 'märz', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'dezember'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
};

const ORDINAL_QUARTER: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  ersten: 1,
  zweiten: 2,
  dritten: 3,
  vierten: 4,
  premier: 1,
  deuxième: 2,
  troisième: 3,
  quatrième: 4,
  primer: 1,
  segundo: 2,
  tercer: 3,
  cuarto: 4,
};

// Words chrono's German, French and Spanish parsers don't read on their own, in the forms a
// "not now" reply uses: a bare month ("im März", "en mars"), a quarter ("in Q2", "im zweiten
// Quartal", "au deuxième trimestre"), a day of this or next month ("after the 15th", "nach dem
// 15.", "après le 15", "después del 15"). The `u` flag is chrono's own; `\b` would be ASCII-only.
const L = String.raw`\p{L}`;
const quarterPattern = new RegExp(
  String.raw`(?<!${L})(?:q([1-4])(?:[\s/]+(20\d\d))?|(first|second|third|fourth|ersten|zweiten|dritten|vierten|premier|deuxième|troisième|quatrième|primer|segundo|tercer|cuarto)\s+(?:quarter|quartal|trimestre))(?!${L})`,
  'iu',
);
// "the 15th of June", "15. Juni": chrono reads those whole; the day alone must not win over them.
const MONTH_AFTER = String.raw`(?:\s+(?:of|de|del))?\s+(?:jan|feb|mar|mär|apr|avr|abr|may|mai|jun|jui|jul|aug|aoû|ago|sep|oct|okt|nov|dec|dez|déc|dic|ene|fév)`;
const dayOfMonthPattern = new RegExp(
  String.raw`(?<!${L})(?:after|from|on|nach dem|ab dem|am|après le|à partir du|dès le|después del|a partir del)\s+(?:the\s+)?([12]?\d|3[01])(?:st|nd|rd|th|\.|er)?(?![\p{L}\d]|[:.]\d|\s*(?:h|uhr|am|pm)(?!${L})|${MONTH_AFTER})`,
  'iu',
);

// "el próximo mes", "el mes que viene", "el año que viene": chrono's Spanish reads neither.
const spanishNextPeriod = new RegExp(
  String.raw`(?<!${L})(?:(?:el\s+)?próximo\s+(mes|año)|(?:el\s+)?(mes|año)\s+que\s+viene)(?!${L})`,
  'iu',
);

function monthPattern(language: 'de' | 'fr'): RegExp {
  return new RegExp(String.raw`(?<!${L})(${(MONTHS[language] ?? []).join('|')})(?!${L})`, 'iu');
}

type Parser = chrono.Chrono;

/** A chrono with the extra parsers above. `forwardDate` makes every date the next one to come. */
function extended(base: Parser, language: 'en' | 'de' | 'fr' | 'es'): Parser {
  const parser = base.clone();
  parser.parsers.push({
    pattern: () => quarterPattern,
    extract: (context, match) => {
      const quarter = match[1] ? Number(match[1]) : (ORDINAL_QUARTER[(match[3] ?? '').toLowerCase()] ?? 1);
      const month = (quarter - 1) * 3 + 1;
      const ref = context.reference.instant;
      // The quarter to come: Q1 named in December is next year's.
      const year = match[2] ? Number(match[2]) : ref.getUTCMonth() + 1 >= month + 3 ? ref.getUTCFullYear() + 1 : ref.getUTCFullYear();
      return { day: 1, month, year };
    },
  });
  parser.parsers.push({
    pattern: () => dayOfMonthPattern,
    extract: (context, match) => {
      const day = Number(match[1]);
      const ref = context.reference.instant;
      const thisMonth = ref.getUTCDate() < day;
      const month = thisMonth ? ref.getUTCMonth() + 1 : ((ref.getUTCMonth() + 1) % 12) + 1;
      const year = !thisMonth && month === 1 ? ref.getUTCFullYear() + 1 : ref.getUTCFullYear();
      return { day, month, year };
    },
  });
  if (language === 'es') {
    parser.parsers.push({
      pattern: () => spanishNextPeriod,
      extract: (context, match) => {
        const ref = context.reference.instant;
        const period = (match[1] ?? match[2] ?? '').toLowerCase();
        if (period === 'año') return { day: 1, month: 1, year: ref.getUTCFullYear() + 1 };
        // A month from today, as chrono reads "next month" in the other languages.
        const next = new Date(Date.UTC(ref.getUTCFullYear(), ref.getUTCMonth() + 1, 1));
        return context
          .createParsingComponents({ month: next.getUTCMonth() + 1, year: next.getUTCFullYear() })
          .imply('day', Math.min(ref.getUTCDate(), 28));
      },
    });
  }
  if (language === 'de' || language === 'fr') {
    const pattern = monthPattern(language);
    parser.parsers.push({
      pattern: () => pattern,
      extract: (context, match) => {
        const month = (MONTHS[language] ?? []).indexOf((match[1] ?? '').toLowerCase()) + 1;
        if (month === 0) return null;
        const ref = context.reference.instant;
        const year = month <= ref.getUTCMonth() + 1 ? ref.getUTCFullYear() + 1 : ref.getUTCFullYear();
        return context.createParsingComponents({ month, year }).imply('day', 1);
      },
    });
  }
  return parser;
}

const PARSERS: ReadonlyArray<Parser> = [
  extended(chrono.en.casual, 'en'),
  extended(chrono.de.casual, 'de'),
  extended(chrono.fr.casual, 'fr'),
  extended(chrono.es.casual, 'es'),
];

/**
 * The date a reply asks to be contacted again ("in March", "next month", "after the 15th", "in
 * Q2", "im März", "le mois prochain"), relative to when it was written; undefined when it names
 * no date to come. A year named without a month means its first day ("next year" is 1 January,
 * not a year from today). Of several dates, the latest: "busy until Monday, then
 * travelling; try me in March" means March.
 */
export function dateNamedInReply(text: string, written: Date): NamedDate | undefined {
  const opening = text.slice(0, READ_CHARS);
  let best: NamedDate | undefined;
  for (const parser of PARSERS) {
    for (const result of parser.parse(opening, written, { forwardDate: true })) {
      const at = startOfNamedDay(result.end ?? result.start);
      if (at === undefined || at <= written) continue;
      if (!best || at > best.at) best = { at, phrase: result.text.trim() };
    }
    // The first language that reads a date is the reply's: "mars" is a month in French only.
    if (best) return best;
  }
  return undefined;
}

/**
 * The day a parsed date names, at 00:00 UTC; undefined when it names only a time of day ("del 15"
 * read as 15:00). chrono fills in what the words leave out ("March" is 1 March, "in three months"
 * the same day three months on); a year alone means its first day.
 */
function startOfNamedDay(components: chrono.ParsedComponents): Date | undefined {
  const certain = (c: chrono.Component) => components.isCertain(c);
  if (!certain('day') && !certain('weekday') && !certain('month') && !certain('year')) return undefined;
  const yearOnly = !certain('day') && !certain('weekday') && !certain('month');
  const year = components.get('year');
  const month = yearOnly ? 1 : components.get('month');
  const day = yearOnly ? 1 : components.get('day');
  if (year === null || month === null || day === null) return undefined;
  return new Date(Date.UTC(year, month - 1, day));
}
