import * as chrono from 'chrono-node';

/**
 * The date an out-of-office writer says they are back, read from their words relative to when
 * the message was written ("back on Monday", "until 12 March", "zurück am 3. März"). Undefined
 * when no future date is named; the caller then picks a default.
 */
export function outOfOfficeReturnDate(text: string, written: Date): Date | undefined {
  const parsers = [chrono.en, chrono.de, chrono.fr, chrono.es];
  for (const parser of parsers) {
    const results = parser.parse(text, written, { forwardDate: true });
    // The latest date named is the return ("away from 3 March until 10 March").
    const dates = results.map((r) => (r.end ?? r.start).date()).filter((d) => d > written);
    if (dates.length > 0) return new Date(Math.max(...dates.map((d) => d.getTime())));
  }
  return undefined;
}
