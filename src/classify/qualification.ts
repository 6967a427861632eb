import type { Qualification } from '../sequences/types.ts';
import { ABOUT_THE_MEETING, AUTHORITY, BUDGET, GOAL, GREETING, NUMBER_WORDS, TEAM_SIZE, TIMELINE } from './qualification-patterns.ts';
import type { QualificationSignals } from './types.ts';

/** Team sizes outside this range are a year, a price or a typo, not a head count. */
const MAX_TEAM_SIZE = 1_000_000;

/** The qualification signals a reply's words carry; fields are absent when not found. */
export function qualificationSignals(text: string): QualificationSignals {
  const normalised = text.replace(/[’‘]/g, "'");
  const signals: QualificationSignals = {};
  const mainGoal = goalSentence(normalised);
  if (mainGoal) signals.mainGoal = mainGoal;
  const teamSize = teamSizeIn(normalised);
  if (teamSize !== undefined) signals.teamSize = teamSize;
  const timeline = TIMELINE.exec(normalised)?.[0];
  if (timeline) signals.timeline = timeline;
  const budget = BUDGET.exec(normalised)?.[0]?.trim();
  if (budget) signals.budget = budget;
  const authority = AUTHORITY.exec(normalised)?.[0];
  if (authority) signals.authority = authority;
  return signals;
}

/**
 * The reply's answer to the question a step asked, from its signals; a bare number answers
 * "how big is the team?", and the first sentence that is not a greeting answers "what is your
 * main goal?" when no goal phrase was found.
 */
export function answerFor(asks: Qualification, text: string, signals: QualificationSignals): string | undefined {
  switch (asks) {
    case 'team_size': {
      const size = signals.teamSize ?? bareNumber(text);
      return size === undefined ? undefined : String(size);
    }
    case 'timeline':
      return signals.timeline;
    case 'budget':
      return signals.budget;
    case 'decision_maker':
      return signals.authority;
    case 'main_goal':
      return signals.mainGoal ?? firstSentence(text);
  }
}

function teamSizeIn(text: string): number | undefined {
  const match = TEAM_SIZE.exec(text);
  const raw = match?.[1] ?? match?.[2];
  return raw === undefined ? undefined : toNumber(raw);
}

function toNumber(raw: string): number | undefined {
  const word = raw.toLowerCase().replace(/^a /, '');
  const value = NUMBER_WORDS[word] ?? Number(raw.replace(/[,.](?=\d{3}\b)/g, ''));
  return Number.isInteger(value) && value > 0 && value < MAX_TEAM_SIZE ? value : undefined;
}

/** "About 40." or "12, soon 20": a reply that opens with a number. */
function bareNumber(text: string): number | undefined {
  const match =
    /^\s*(?:about|around|roughly|approx\.?|~|maybe|etwa|rund|ca\.?|environ|unos|unas)?\s*(\d{1,6})\b(?!\s*(?:%|[$€£]|k\b|am\b|pm\b|:))/iu.exec(
      text,
    );
  const raw = match?.[1];
  // "2026 is our year": four digits from 1900 to 2100 are a year before they are a head count.
  if (raw === undefined || /^(?:19|20)\d\d$|^2100$/.test(raw)) return undefined;
  return toNumber(raw);
}

/** The text's sentences, a leading "Hi Sam," taken off the one it opens. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/u)
    .map((s) => s.trim().replace(LEADING_GREETING, ''))
    .filter((s) => s.length > 0);
}

const LEADING_GREETING = /^(?:hi|hello|hey|hallo|bonjour|hola)(?:\s+[\p{L}'-]+)?\s*,\s*(?=\S)/iu;

/** The sentence stating a goal ("We're trying to book more meetings"), unless it is about the meeting itself. */
function goalSentence(text: string): string | undefined {
  return sentences(text).find((s) => GOAL.test(s) && !ABOUT_THE_MEETING.test(s) && !AUTHORITY.test(s));
}

/** The first sentence that is not a greeting or a thank-you. */
function firstSentence(text: string): string | undefined {
  return sentences(text).find((sentence) => !GREETING.test(sentence));
}
