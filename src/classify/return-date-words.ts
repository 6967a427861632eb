// Return dates in the languages chrono-node has no parser for (Danish, Norwegian, Polish), and the
// bare day of the month every language uses ("de retour le 12", "tilbage den 4.", "am 12. wieder").
// Small on purpose: a day and a month name, a numeric day.month, a weekday.

const MONTHS: ReadonlyArray<readonly string[]> = [
  ['januar', 'stycznia', 'styczeń', 'styczen'],
  ['februar', 'lutego', 'luty'],
  ['marts', 'mars', 'marca', 'marzec'],
  ['april', 'kwietnia', 'kwiecień', 'kwiecien'],
  ['maj', 'mai', 'maja'],
  ['juni', 'czerwca', 'czerwiec'],
  ['juli', 'lipca', 'lipiec'],
  ['august', 'sierpnia', 'sierpień', 'sierpien'],
  ['september', 'września', 'wrzesień', 'wrzesnia'],
  ['oktober', 'października', 'październik', 'pazdziernika'],
  ['november', 'listopada', 'listopad'],
  ['december', 'desember', 'grudnia', 'grudzień', 'grudzien'],
];
const MONTH_INDEX = new Map(MONTHS.flatMap((names, index) => names.map((name) => [name, index] as const)));

/** Sunday first, as Date.getUTCDay() counts. */
const WEEKDAYS: ReadonlyArray<readonly string[]> = [
  ['søndag', 'niedziela', 'niedzieli', 'niedzielę'],
  ['mandag', 'poniedziałek', 'poniedziałku'],
  ['tirsdag', 'wtorek', 'wtorku'],
  ['onsdag', 'środa', 'środy', 'środę'],
  ['torsdag', 'czwartek', 'czwartku'],
  ['fredag', 'piątek', 'piątku'],
  ['lørdag', 'sobota', 'soboty', 'sobotę'],
];
const WEEKDAY_INDEX = new Map(WEEKDAYS.flatMap((names, index) => names.map((name) => [name, index] as const)));

const LETTER = String.raw`\p{L}`;
const MONTH_NAMES = [...MONTH_INDEX.keys()].join('|');
/** "4. marts", "14 grudnia 2026", "4 mars". */
const DAY_MONTH = new RegExp(String.raw`(?<![\d.])(\d{1,2})\.?\s{0,3}(${MONTH_NAMES})(?!${LETTER})(?:\s{0,3}(\d{4}))?`, 'giu');
/** "04.03.2026", "4.3.", "4/3": day first, as these languages write it. */
const NUMERIC = /(?<![\d./])(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?(?![\d/]|\.\d)/g;
/** A day of the month after a word that introduces one ("le 12", "den 4.", "am 12.", "el 15", "il 3", "op 9", "dia 20", "on the 14th"). */
const BARE_DAY = new RegExp(
  String.raw`(?<!${LETTER})(?:le|den|am|el|il|op|dia|on the|the)\s{1,3}(\d{1,2})(?:\.|er|st|nd|rd|th)?(?![\d${LETTER}]|\.\d|\s{0,3}(?:${MONTH_NAMES}))`,
  'giu',
);
const WEEKDAY = new RegExp(String.raw`(?<!${LETTER})(${[...WEEKDAY_INDEX.keys()].join('|')})(?!${LETTER})`, 'giu');

const DAY = 86_400_000;
const noon = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day, 12));

/** The date with this day and month that comes after `written` (this year or next). */
function nextDayMonth(day: number, month: number, written: Date, year?: number): Date | undefined {
  if (day < 1 || day > 31 || month < 0 || month > 11) return undefined;
  if (year !== undefined) return noon(year < 100 ? 2000 + year : year, month, day);
  const thisYear = noon(written.getUTCFullYear(), month, day);
  return thisYear > written ? thisYear : noon(written.getUTCFullYear() + 1, month, day);
}

/** The next date with this day of the month after `written`. */
function nextDay(day: number, written: Date): Date | undefined {
  if (day < 1 || day > 31) return undefined;
  for (let ahead = 0; ahead < 3; ahead += 1) {
    const date = noon(written.getUTCFullYear(), written.getUTCMonth() + ahead, day);
    if (date.getUTCDate() === day && date > written) return date;
  }
  return undefined;
}

/** Every date these patterns find, relative to when the message was written. */
export function datesInWords(text: string, written: Date): Date[] {
  const dates: Array<Date | undefined> = [];
  for (const m of text.matchAll(DAY_MONTH)) {
    dates.push(nextDayMonth(Number(m[1]), MONTH_INDEX.get(m[2]!.toLowerCase()) ?? -1, written, m[3] ? Number(m[3]) : undefined));
  }
  for (const m of text.matchAll(NUMERIC))
    dates.push(nextDayMonth(Number(m[1]), Number(m[2]) - 1, written, m[3] ? Number(m[3]) : undefined));
  for (const m of text.matchAll(BARE_DAY)) dates.push(nextDay(Number(m[1]), written));
  for (const m of text.matchAll(WEEKDAY)) {
    const weekday = WEEKDAY_INDEX.get(m[1]!.toLowerCase()) ?? 0;
    const ahead = (weekday - written.getUTCDay() + 7) % 7 || 7;
    const date = new Date(written.getTime() + ahead * DAY);
    dates.push(noon(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  }
  return dates.filter((d): d is Date => d !== undefined);
}
