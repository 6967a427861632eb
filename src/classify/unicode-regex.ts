/**
 * `\b` in a JavaScript regex knows only ASCII letters, so `\bcongé\b` never matches "congé " and
 * `\bdécide` matches inside "indécide". Every pattern here is written with `\b` and compiled
 * through this, which swaps it for a boundary between a letter or digit (any script) and not one.
 */
const BOUNDARY = String.raw`(?:(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_]))`;

/** One case-insensitive Unicode regex matching any of `patterns`, with letter-aware word boundaries. */
export function anyOf(patterns: ReadonlyArray<RegExp | string>, flags = 'iu'): RegExp {
  const source = patterns.map((p) => (typeof p === 'string' ? p : p.source)).join('|');
  return new RegExp(source.replaceAll(String.raw`\b`, BOUNDARY), flags);
}
