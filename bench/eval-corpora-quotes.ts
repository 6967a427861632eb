import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractVisibleText } from '../src/classify/index.ts';

// Visible-text scores on the quote strippers' own fixtures, whose expected texts live in their test
// code: read from a checkout at run time, never kept here (docs/EVAL-CORPORA.md has the conventions).
//  - github/email_reply_parser: test/emails/*.txt are plain-text bodies; the expectations are the
//    string literals its Ruby tests compare with `EmailReplyParser.parse_reply(body)`, with the
//    first fragment when the same test asserts that every later fragment is hidden, or the whole
//    body when a test asserts that it is one fragment.
//  - mailgun/talon: tests/fixtures/html_replies/*.html, each compared by `extract_reply_and_check`
//    in tests/html_quotations_test.py with one literal.
// Every comparison is exact after whitespace normalisation (runs of white space are one space).

/** One fixture and the reply text its project's tests expect. */
export interface Expectation {
  fixture: string;
  expected: string;
  /** Which assertion the expectation was read from. */
  how: 'parse_reply' | 'first fragment, the rest hidden' | 'one fragment' | 'extract_reply_and_check';
}

interface Score {
  passed: number;
  of: number;
  misses: string[];
}

const same = (a: string) => a.replace(/\s+/g, ' ').trim();
const rate = (s: Score) => (s.of === 0 ? 'n/a' : `${(s.passed / s.of).toFixed(3)} (${s.passed}/${s.of})`);

/**
 * A Ruby or Python string literal starting at `from` (a quote character): its value and the index
 * after its closing quote. Escapes both languages share are decoded; an interpolated Ruby string
 * ("#{...}") is no literal. Undefined when there is none.
 */
export function readStringLiteral(source: string, from: number): { value: string; end: number } | undefined {
  const quote = source[from];
  if (quote !== '"' && quote !== "'") return undefined;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '#': '#' };
  let value = '';
  for (let i = from + 1; i < source.length; i++) {
    const c = source[i] ?? '';
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      // Ruby's single-quoted strings decode only \' and \\.
      value += quote === "'" && next !== "'" && next !== '\\' ? `\\${next}` : (escapes[next] ?? next);
      i++;
    } else if (quote === '"' && c === '#' && source[i + 1] === '{') {
      return undefined;
    } else {
      value += c;
    }
  }
  return undefined;
}

/** The literal expectations of email_reply_parser's Ruby tests, per test method. */
export function emailReplyParserExpectations(testSource: string): Expectation[] {
  const expectations: Expectation[] = [];
  for (const method of testSource.split(/^[ \t]*def /m).slice(1)) {
    // `body = File.read EMAIL_FIXTURE_PATH.join("email_2_1.txt").to_s` and `reply = email(:email_1_1)`.
    const bodies = new Map<string, string>();
    for (const m of method.matchAll(/(\w+)\s*=\s*File\.read\s*\(?\s*EMAIL_FIXTURE_PATH\.join\(\s*["'](\w+)\.txt["']\s*\)/g))
      bodies.set(m[1] ?? '', m[2] ?? '');
    const replies = new Map<string, string>();
    for (const m of method.matchAll(/(\w+)\s*=\s*email\s*\(?\s*[:"'](\w+)["']?\s*\)?/g)) replies.set(m[1] ?? '', m[2] ?? '');
    const onlyFirstVisible = new Set<string>();
    for (const m of method.matchAll(/assert_equal\s*\[([^\]]*)\]\s*,\s*(\w+)\.fragments\.map\s*\{\s*\|f\|\s*f\.hidden\?\s*\}/g)) {
      const hidden = (m[1] ?? '').split(',').map((s) => s.trim());
      if (hidden[0] === 'false' && hidden.slice(1).every((h) => h === 'true')) onlyFirstVisible.add(m[2] ?? '');
    }
    for (const m of method.matchAll(/assert_equal\s+1\s*,\s*(\w+)\.fragments\.size/g)) {
      const fixture = replies.get(m[1] ?? '');
      if (fixture) expectations.push({ fixture, expected: '', how: 'one fragment' });
    }
    for (const m of method.matchAll(/assert_equal\s+(?=["'])/g)) {
      const literal = readStringLiteral(method, m.index + m[0].length);
      if (!literal) continue;
      const rest = /^\s*,\s*(?:EmailReplyParser\.parse_reply\(\s*(\w+)\s*\)|(\w+)\.fragments\[0\]\.to_s)/.exec(method.slice(literal.end));
      const fromBody = rest?.[1] && bodies.get(rest[1]);
      const fromReply = rest?.[2] && onlyFirstVisible.has(rest[2]) ? replies.get(rest[2]) : undefined;
      if (fromBody) expectations.push({ fixture: fromBody, expected: literal.value, how: 'parse_reply' });
      else if (fromReply) expectations.push({ fixture: fromReply, expected: literal.value, how: 'first fragment, the rest hidden' });
    }
  }
  return expectations;
}

/** talon's HTML expectations: the fixtures `extract_reply_and_check` is called with, and the one literal it compares them to. */
export function talonHtmlExpectations(testSource: string): Expectation[] {
  const check = /def extract_reply_and_check\([\s\S]*?RE_WHITESPACE\.sub\(\s*''\s*,\s*(?=["'])/.exec(testSource);
  const literal = check && readStringLiteral(testSource, check.index + check[0].length);
  if (!literal) return [];
  return [...testSource.matchAll(/extract_reply_and_check\(\s*["']([^"']+\.html)["']\s*\)/g)].map((m) => ({
    fixture: m[1] ?? '',
    expected: literal.value,
    how: 'extract_reply_and_check',
  }));
}

function score(
  expectations: readonly Expectation[],
  actualOf: (fixture: string) => string,
  expectedOf = (e: Expectation) => e.expected,
): Score {
  const result: Score = { passed: 0, of: 0, misses: [] };
  for (const expectation of expectations) {
    const actual = actualOf(expectation.fixture);
    result.of += 1;
    if (same(actual) === same(expectedOf(expectation))) result.passed += 1;
    else result.misses.push(`${expectation.fixture} (${expectation.how}): ${JSON.stringify(actual.slice(0, 120))}`);
  }
  return result;
}

export function isEmailReplyParserCheckout(root: string): boolean {
  return existsSync(join(root, 'test/email_reply_parser_test.rb')) && existsSync(join(root, 'test/emails'));
}

export function emailReplyParser(root: string): void {
  const expectations = emailReplyParserExpectations(readFileSync(join(root, 'test/email_reply_parser_test.rb'), 'utf8'));
  const body = (fixture: string) => readFileSync(join(root, 'test/emails', `${fixture}.txt`), 'utf8');
  // A body the tests call one fragment is expected whole.
  const expected = (e: Expectation) => (e.how === 'one fragment' ? body(e.fixture) : e.expected);
  const result = score(expectations, (fixture) => extractVisibleText(body(fixture), undefined), expected);
  console.log(`github/email_reply_parser (${root})`);
  console.log(`  visible text, exact match (the literals its tests expect): ${rate(result)}`);
  if (process.env.EVAL_VERBOSE) console.log(`  visible text wrong: ${result.misses.join('; ') || 'none'}`);
}

/** A closing "Thanks,\nAlex" at the end of a text, which Parley drops by design (visible-text.ts). */
const TRAILING_SIGN_OFF = /\n\s*[^\n,]{1,30},[ \t]*\n[^\n]{1,40}\s*$/;

/** talon's HTML replies, when the checkout has them: called from the talon part of eval-corpora.ts. */
export function talonHtml(root: string): void {
  const testFile = join(root, 'tests/html_quotations_test.py');
  if (!existsSync(testFile)) return;
  const expectations = talonHtmlExpectations(readFileSync(testFile, 'utf8'));
  const actualOf = (fixture: string) => extractVisibleText(undefined, readFileSync(join(root, fixture), 'utf8'));
  const exact = score(expectations, actualOf);
  const signOffAside = score(expectations, actualOf, (e) => e.expected.replace(TRAILING_SIGN_OFF, ''));
  console.log(`  visible text, exact match (talon's HTML replies): ${rate(exact)}`);
  console.log(`  the same, a closing "Thanks,\\nName" set aside (Parley drops sign-offs): ${rate(signOffAside)}`);
  if (process.env.EVAL_VERBOSE) console.log(`  HTML visible text wrong (sign-off aside): ${signOffAside.misses.join('; ') || 'none'}`);
}
