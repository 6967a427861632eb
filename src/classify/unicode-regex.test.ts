import { describe, expect, it } from 'vitest';
import { anyOf, withUnicodeBoundaries } from './unicode-regex.ts';

/** The plain form every `\b` used to become: correct anywhere, and four Unicode classes long. */
const WORD = String.raw`[\p{L}\p{N}_]`;
const FULL = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const plain = (source: string): RegExp => new RegExp(source.replaceAll(String.raw`\b`, FULL), 'giu');

const PATTERNS = [
  String.raw`\bcongé\b`,
  String.raw`\bdécid\w*`,
  String.raw`\bcolou?r\b`,
  String.raw`\ba?bc\b`,
  String.raw`\bx{0,2}yz\b`,
  String.raw`\bq?-y`,
  String.raw`\b(?:next|this) (?:week|month)\b`,
  String.raw`\b(?:a|b?)c\b`,
  String.raw`\b(?:no|)x\b`,
  String.raw`(?:ab|c)?\b`,
  String.raw`\b(?:ab)+\b`,
  String.raw`(?:a|b\s)\b`,
  String.raw`(?<n>(?:x|yz))\b`,
  String.raw`\b\d{1,3}\b|\b\d{0,3}\.\b`,
  String.raw`(?=a)\b`,
  String.raw`\b(?:ab)?-x`,
  String.raw`\b(?:not now|later)\b`,
  String.raw`\b\d+\b`,
  String.raw`ab+\b`,
  String.raw`\b[a-zé]+\b`,
  String.raw`(?<when>today|demain)\b`,
  String.raw`\bя\b|\b休み\b`,
];

const TEXTS = [
  'Je suis en congé jusqu’au 3.',
  'Ich bin indécis, décidons demain',
  'color colour colours discolor',
  'abc bc xabc a_bc',
  'yz xyz xxyz xxxyz',
  'a-y -y q-y',
  'next week this month nextweek ac bc c xc',
  'nox x abab c ab xyz yz a b ',
  '123 1234 .5 12. a.b',
  'a-x -x ab-x',
  'not now, later! notnow',
  '12 a12 12b 1_2',
  'x\bx',
  '\\bz z',
  'abbb abbbé ab',
  'éte été',
  'today todays demain',
  'я да, яблоко, 休み 休みです',
  '',
];

describe('letter-aware word boundaries', () => {
  it('match exactly where the plain four-class boundary matches', () => {
    for (const source of PATTERNS) {
      const fast = new RegExp(withUnicodeBoundaries(source), 'giu');
      for (const text of TEXTS) {
        const where = (re: RegExp) => [...text.matchAll(re)].map((m) => `${m.index}:${m[0]}`);
        expect({ source, text, matches: where(fast) }).toEqual({ source, text, matches: where(plain(source)) });
      }
    }
  });

  it('use one class next to a literal letter and the full boundary elsewhere', () => {
    expect(withUnicodeBoundaries(String.raw`\bno\b`)).toBe(`(?<!${WORD})no(?!${WORD})`);
    expect(withUnicodeBoundaries(String.raw`\b(?:a|b)\b`)).toBe(`(?<!${WORD})(?:a|b)(?!${WORD})`);
    expect(withUnicodeBoundaries(String.raw`\b(?:a|-)?\b`)).toBe(`${FULL}(?:a|-)?${FULL}`);
    // Inside a class `\b` is a backspace, and `\\b` is a backslash and a "b": neither is a boundary.
    expect(withUnicodeBoundaries(String.raw`[\b]`)).toBe(String.raw`[\b]`);
    expect(withUnicodeBoundaries(String.raw`\\bz`)).toBe(String.raw`\\bz`);
  });

  it('treat accented letters as part of a word, unlike \\b', () => {
    expect(anyOf([String.raw`\bcongé\b`]).test('en congé.')).toBe(true);
    expect(anyOf([String.raw`\bdécid`]).test('indécis')).toBe(false);
  });
});
