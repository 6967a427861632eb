import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { extractVisibleText } from './visible-text.ts';

/** A real message and the words a reader would call its reply. */
export interface QuoteFixture {
  /** File name without `.eml`. */
  name: string;
  source: Buffer;
  expected: string;
}

export interface QuoteStripReport {
  total: number;
  passed: number;
  /** passed / total (0 when there are no fixtures). */
  score: number;
  misses: Array<{ name: string; expected: string; actual: string }>;
}

/** The text and HTML bodies of a raw message; parseInboundMessage (src/inbound) is one. */
export type BodyParser = (source: Buffer) => Promise<{ text: string | undefined; html: string | undefined }>;

/** Every `NAME.eml` in `dir` with its `NAME.expected.txt`, sorted by name. */
export async function loadQuoteFixtures(dir: string): Promise<QuoteFixture[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
  return Promise.all(
    names.map(async (file) => {
      const name = file.slice(0, -'.eml'.length);
      const [source, expected] = await Promise.all([
        readFile(path.join(dir, file)),
        readFile(path.join(dir, `${name}.expected.txt`), 'utf8'),
      ]);
      return { name, source, expected };
    }),
  );
}

/**
 * The share of fixtures whose extracted visible text equals the expected text, whitespace
 * normalised (line wrapping and blank lines are not what quote stripping is about).
 */
export async function evaluateQuoteStripping(fixtures: readonly QuoteFixture[], parse: BodyParser): Promise<QuoteStripReport> {
  const misses: QuoteStripReport['misses'] = [];
  for (const fixture of fixtures) {
    const { text, html } = await parse(fixture.source);
    const actual = extractVisibleText(text, html);
    if (normalise(actual) !== normalise(fixture.expected)) misses.push({ name: fixture.name, expected: fixture.expected.trim(), actual });
  }
  const passed = fixtures.length - misses.length;
  return { total: fixtures.length, passed, score: fixtures.length === 0 ? 0 : passed / fixtures.length, misses };
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
