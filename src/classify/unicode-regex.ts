/**
 * `\b` in a JavaScript regex knows only ASCII letters, so `\bcongé\b` never matches "congé " and
 * `\bdécide` matches inside "indécide". Every pattern here is written with `\b` and compiled
 * through this, which swaps it for a boundary between a letter or digit (any script) and not one.
 *
 * Each Unicode class costs V8 time to build under the `i` flag (twice: when the regex is made and at
 * its first match), and the classifier's patterns hold hundreds of `\b`: a CLI start spent 0.45 s
 * on them. So a `\b` whose neighbour is sure to be a letter (`\bno`, `(?:week|month)\b`) becomes
 * one lookaround, and only the others get the full four-class boundary.
 */
const WORD = String.raw`[\p{L}\p{N}_]`;
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const BEFORE_WORD = `(?<!${WORD})`;
const AFTER_WORD = `(?!${WORD})`;

type Token =
  | { kind: 'char'; text: string }
  | { kind: 'escape'; text: string }
  | { kind: 'class'; text: string }
  | { kind: 'open'; text: string; lookaround: boolean; close: number }
  | { kind: 'close'; text: string; open: number }
  | { kind: 'quantifier'; text: string; optional: boolean }
  | { kind: 'or'; text: string };

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
const QUANTIFIER = /^(?:[?*+]|\{(\d+)(?:,\d*)?\})\??/;
const ESCAPE = /^\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[pP]\{[^}]*\}|k<[^>]*>|c[a-zA-Z]|.)/su;
const GROUP_OPEN = /^\((?:\?(?::|=|!|<=|<!|<[^>=!]+>))?/;

/** The pattern's tokens, with each group's parentheses pointing at each other. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const opens: number[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const char = source[i]!;
    let token: Token;
    if (char === '\\') {
      token = { kind: 'escape', text: ESCAPE.exec(rest)?.[0] ?? char };
    } else if (char === '[') {
      let end = i + 1;
      while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
      token = { kind: 'class', text: source.slice(i, end + 1) };
    } else if (char === '(') {
      const text = GROUP_OPEN.exec(rest)![0];
      opens.push(tokens.length);
      token = { kind: 'open', text, lookaround: /^\(\?(?:=|!|<=|<!)$/.test(text), close: -1 };
    } else if (char === ')') {
      const open = opens.pop() ?? -1;
      token = { kind: 'close', text: char, open };
      const opener = tokens[open];
      if (opener?.kind === 'open') opener.close = tokens.length;
    } else if (char === '|') {
      token = { kind: 'or', text: char };
    } else {
      const quantifier = QUANTIFIER.exec(rest);
      token = quantifier
        ? { kind: 'quantifier', text: quantifier[0], optional: quantifier[1] === undefined ? char !== '+' : Number(quantifier[1]) === 0 }
        : { kind: 'char', text: char };
    }
    tokens.push(token);
    i += token.text.length;
  }
  return tokens;
}

const isWordEscape = (token: Token): boolean => token.kind === 'escape' && (token.text === '\\d' || token.text === '\\w');
const isWordToken = (token: Token | undefined): boolean =>
  token !== undefined && ((token.kind === 'char' && WORD_CHAR.test(token.text)) || isWordEscape(token));
const isOptional = (token: Token | undefined): boolean => token?.kind === 'quantifier' && token.optional;

/** The alternatives of the group between tokens `open` and `close`, as [first, last] token indexes. */
function alternatives(tokens: readonly Token[], open: number, close: number): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  let depth = 0;
  let start = open + 1;
  for (let t = open + 1; t < close; t += 1) {
    const token = tokens[t]!;
    if (token.kind === 'open') depth += 1;
    else if (token.kind === 'close') depth -= 1;
    else if (token.kind === 'or' && depth === 0) {
      found.push([start, t - 1]);
      start = t + 1;
    }
  }
  found.push([start, close - 1]);
  return found;
}

/** Whether whatever matches from token `t` on surely begins with a letter, digit or underscore. */
function startsWithWord(tokens: readonly Token[], t: number): boolean {
  const token = tokens[t];
  if (isWordToken(token)) return !isOptional(tokens[t + 1]);
  if (token?.kind !== 'open' || token.lookaround || isOptional(tokens[token.close + 1])) return false;
  return alternatives(tokens, t, token.close).every(([first]) => startsWithWord(tokens, first));
}

/** Whether whatever matches up to token `t` surely ends with a letter, digit or underscore. */
function endsWithWord(tokens: readonly Token[], t: number): boolean {
  const token = tokens[t];
  if (isWordToken(token)) return true;
  if (token?.kind === 'quantifier') return !token.optional && endsWithWord(tokens, t - 1);
  if (token?.kind !== 'close') return false;
  const open = tokens[token.open];
  if (open?.kind !== 'open' || open.lookaround) return false;
  return alternatives(tokens, token.open, t).every(([, last]) => endsWithWord(tokens, last));
}

/** `source` with each `\b` (outside a character class) made letter-aware in any script. */
export function withUnicodeBoundaries(source: string): string {
  const tokens = tokenize(source);
  return tokens
    .map((token, t) => {
      if (token.kind !== 'escape' || token.text !== '\\b') return token.text;
      if (startsWithWord(tokens, t + 1)) return BEFORE_WORD;
      if (endsWithWord(tokens, t - 1)) return AFTER_WORD;
      return BOUNDARY;
    })
    .join('');
}

/** One case-insensitive Unicode regex matching any of `patterns`, with letter-aware word boundaries. */
export function anyOf(patterns: ReadonlyArray<RegExp | string>, flags = 'iu'): RegExp {
  const source = patterns.map((p) => (typeof p === 'string' ? p : p.source)).join('|');
  return new RegExp(withUnicodeBoundaries(source), flags);
}
