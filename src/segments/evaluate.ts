import type { ContactDoc, EnrollmentStatus } from '../db/index.ts';
import type { EventCondition, QualificationSignal, RuleExplanation, Segment, SegmentRule, ValueMatcher } from './types.ts';

/** What a rule may look at of a contact. */
export type SegmentContact = Pick<
  ContactDoc,
  'email' | 'firstName' | 'lastName' | 'company' | 'owner' | 'timeZone' | 'fields' | 'qualification' | 'qualified'
>;

export interface MatchingEvents {
  count: number;
  /** The newest matching event; known when the facts hold the contact's events (not in a bulk refresh). */
  newest: { type: string; at: Date; props: Readonly<Record<string, string>> } | undefined;
}

/** Everything rules are evaluated against for one contact, at one moment. */
export interface ContactFacts {
  contact: SegmentContact;
  events(condition: EventCondition): MatchingEvents;
  enrollments: ReadonlyArray<{ sequenceId: string; status: EnrollmentStatus }>;
}

const STANDARD: Readonly<Record<string, keyof SegmentContact>> = {
  email: 'email',
  first_name: 'firstName',
  last_name: 'lastName',
  company: 'company',
  owner: 'owner',
  time_zone: 'timeZone',
};

const SIGNAL_FIELDS: Readonly<Record<QualificationSignal, 'teamSize' | 'timeline' | 'budget' | 'authority' | 'mainGoal'>> = {
  team_size: 'teamSize',
  timeline: 'timeline',
  budget: 'budget',
  authority: 'authority',
  main_goal: 'mainGoal',
};

/** Whether the rule holds, without the explanation: the refresh of every contact runs this one. */
export function matchesRule(rule: SegmentRule, facts: ContactFacts): boolean {
  switch (rule.kind) {
    case 'all':
      return rule.rules.every((r) => matchesRule(r, facts));
    case 'any':
      return rule.rules.some((r) => matchesRule(r, facts));
    case 'not':
      return !matchesRule(rule.rule, facts);
    default:
      return explainRule(rule, facts).ok;
  }
}

/** Whether the contact is in the segment, and why, as a tree of sentences. */
export function explainSegment(segment: Segment, facts: ContactFacts): RuleExplanation {
  return explainRule(segment.rule, facts);
}

export function explainRule(rule: SegmentRule, facts: ContactFacts): RuleExplanation {
  switch (rule.kind) {
    case 'all':
    case 'any': {
      const children = rule.rules.map((r) => explainRule(r, facts));
      const ok = rule.kind === 'all' ? children.every((c) => c.ok) : children.some((c) => c.ok);
      return { ok, text: rule.kind === 'all' ? 'all of' : 'any of', children };
    }
    case 'not': {
      const inner = explainRule(rule.rule, facts);
      return { ok: !inner.ok, text: 'not', children: [inner] };
    }
    case 'event': {
      const { count } = facts.events(rule);
      const ok = count >= rule.atLeast && (rule.atMost === undefined || count <= rule.atMost);
      const period = rule.windowText ? `in the last ${rule.windowText}` : 'ever';
      return { ok, text: `${describeEvent(rule)}: ${count} ${period} (${describeCount(rule)})`, children: [] };
    }
    case 'field': {
      const value = fieldValue(facts.contact, rule.name);
      return leaf(matchesValue(value, rule.test), `${rule.name} ${describeMatcher(rule.test)}`, value);
    }
    case 'qualification': {
      const value = facts.contact.qualification?.[SIGNAL_FIELDS[rule.signal]];
      return leaf(matchesValue(value, rule.test), `qualification ${rule.signal} ${describeMatcher(rule.test)}`, value);
    }
    case 'qualified': {
      const qualified = facts.contact.qualified !== undefined && facts.contact.qualified !== null;
      return {
        ok: qualified === rule.value,
        text: `${rule.value ? 'is' : 'is not'} qualified (${qualified ? 'qualified' : 'not qualified'})`,
        children: [],
      };
    }
    case 'sequence': {
      const found = facts.enrollments.filter((e) => e.sequenceId === rule.sequenceId);
      const ok = found.some((e) => rule.statuses.length === 0 || rule.statuses.includes(e.status));
      const wanted = rule.statuses.length === 0 ? 'enrolled' : rule.statuses.join(' or ');
      const now = found.length === 0 ? 'not enrolled' : found.map((e) => e.status).join(', ');
      return { ok, text: `in sequence ${rule.sequenceId}: ${wanted} (${now})`, children: [] };
    }
  }
}

function leaf(ok: boolean, text: string, value: string | number | undefined): RuleExplanation {
  return { ok, text: `${text} (${value === undefined || value === '' ? 'no value' : `"${value}"`})`, children: [] };
}

export function fieldValue(contact: SegmentContact, name: string): string | undefined {
  const standard = STANDARD[name];
  const value = standard ? contact[standard] : contact.fields[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every key of the matcher must hold. A missing value only passes `exists: false` (and a matcher of that alone). */
export function matchesValue(raw: string | number | undefined | null, m: ValueMatcher): boolean {
  // Not trimmed: values are compared as stored, so `equals` means exactly that.
  const value = raw === undefined || raw === null ? '' : String(raw);
  if (m.exists !== undefined && (value !== '') !== m.exists) return false;
  if (value === '') return m.exists === false;
  if (m.equals !== undefined && value !== m.equals) return false;
  if (m.in !== undefined && !m.in.includes(value)) return false;
  if (m.startsWith !== undefined && !value.startsWith(m.startsWith)) return false;
  if (m.contains !== undefined && !value.includes(m.contains)) return false;
  if (m.min !== undefined || m.max !== undefined) {
    const n = Number(value);
    if (!Number.isFinite(n) || (m.min !== undefined && n < m.min) || (m.max !== undefined && n > m.max)) return false;
  }
  return true;
}

export function describeMatcher(m: ValueMatcher): string {
  const parts: string[] = [];
  if (m.exists !== undefined) parts.push(m.exists ? 'is set' : 'is not set');
  if (m.equals !== undefined) parts.push(`is "${m.equals}"`);
  if (m.in !== undefined) parts.push(`is one of ${m.in.map((v) => `"${v}"`).join(', ')}`);
  if (m.startsWith !== undefined) parts.push(`starts with "${m.startsWith}"`);
  if (m.contains !== undefined) parts.push(`contains "${m.contains}"`);
  if (m.min !== undefined) parts.push(`≥ ${m.min}`);
  if (m.max !== undefined) parts.push(`≤ ${m.max}`);
  return parts.join(' and ');
}

function describeEvent(rule: EventCondition): string {
  const where = Object.entries(rule.where).map(([prop, m]) => `${prop} ${describeMatcher(m)}`);
  return where.length === 0 ? rule.type : `${rule.type} where ${where.join(', ')}`;
}

function describeCount(rule: EventCondition): string {
  if (rule.atMost === 0) return 'needs none';
  if (rule.atMost === undefined) return `needs at least ${rule.atLeast}`;
  return rule.atLeast === 0 ? `needs at most ${rule.atMost}` : `needs ${rule.atLeast} to ${rule.atMost}`;
}

/** The rule in words, one line per node, indented: what `segments show` prints. */
export function describeRule(rule: SegmentRule, indent = ''): string[] {
  switch (rule.kind) {
    case 'all':
    case 'any':
      return [`${indent}${rule.kind} of:`, ...rule.rules.flatMap((r) => describeRule(r, `${indent}  `))];
    case 'not':
      return [`${indent}not:`, ...describeRule(rule.rule, `${indent}  `)];
    case 'event':
      return [
        `${indent}${describeEvent(rule)}, ${rule.windowText ? `in the last ${rule.windowText}` : 'ever'}: ${describeCount(rule).replace('needs ', '')}`,
      ];
    case 'field':
      return [`${indent}${rule.name} ${describeMatcher(rule.test)}`];
    case 'qualification':
      return [`${indent}qualification ${rule.signal} ${describeMatcher(rule.test)}`];
    case 'qualified':
      return [`${indent}${rule.value ? 'is' : 'is not'} qualified`];
    case 'sequence':
      return [`${indent}in sequence ${rule.sequenceId}${rule.statuses.length ? `: ${rule.statuses.join(' or ')}` : ''}`];
  }
}

/** One line per node, indented, ✓ or ✗: the explanation as a person reads it. */
export function formatExplanation(node: RuleExplanation, indent = ''): string[] {
  return [`${indent}${node.ok ? '✓' : '✗'} ${node.text}`, ...node.children.flatMap((c) => formatExplanation(c, `${indent}  `))];
}

/** The leaves that decided the outcome, joined: a short reason to store with a membership change. */
export function shortReason(node: RuleExplanation): string {
  const deciding = (n: RuleExplanation): string[] =>
    n.children.length === 0 ? [n.text] : n.children.filter((c) => (n.text === 'not' ? true : c.ok === n.ok)).flatMap(deciding);
  return deciding(node).join('; ').slice(0, 500);
}

/** The event conditions that count for entry (not under a `not`): their newest events fill the templates' event_* variables. */
export function positiveEventConditions(rule: SegmentRule): EventCondition[] {
  switch (rule.kind) {
    case 'all':
    case 'any':
      return rule.rules.flatMap(positiveEventConditions);
    case 'event':
      return rule.atLeast > 0 ? [rule] : [];
    default:
      return [];
  }
}

/** Every event condition of a rule, `not` included: the event types and windows the facts must hold. */
export function eventConditions(rule: SegmentRule): EventCondition[] {
  switch (rule.kind) {
    case 'all':
    case 'any':
      return rule.rules.flatMap(eventConditions);
    case 'not':
      return eventConditions(rule.rule);
    case 'event':
      return [rule];
    default:
      return [];
  }
}

/**
 * Template variables for an enrollment the segment caused: {{ segment }} (its name) and, from the
 * newest event that qualified the contact, {{ event_type }}, {{ event_at }} and {{ event_<prop> }}
 * (a pricing-page visitor's {{ event_url }}).
 */
export function entryContext(segment: Segment, facts: ContactFacts): Record<string, string> {
  const context: Record<string, string> = { segment: segment.name };
  let newest: MatchingEvents['newest'];
  for (const condition of positiveEventConditions(segment.rule)) {
    const found = facts.events(condition).newest;
    if (found && (!newest || found.at > newest.at)) newest = found;
  }
  if (newest) {
    context.event_type = newest.type;
    context.event_at = newest.at.toISOString();
    for (const [k, v] of Object.entries(newest.props)) context[`event_${k}`] = v;
  }
  return context;
}

/** Does one stored event meet the condition's type, properties and window? */
export function eventMatches(
  condition: EventCondition,
  event: { type: string; at: Date; props: Readonly<Record<string, string>> },
  now: Date,
): boolean {
  if (condition.windowMs !== undefined && event.at.getTime() < now.getTime() - condition.windowMs) return false;
  if (event.at.getTime() > now.getTime()) return false;
  return eventFits(condition, event);
}

/** The condition's type and properties, whatever the time: what a rollup counts (the window is applied when it is read). */
export function eventFits(condition: EventCondition, event: { type: string; props: Readonly<Record<string, string>> }): boolean {
  if (event.type !== condition.type) return false;
  return Object.entries(condition.where).every(([prop, m]) => matchesValue(event.props[prop], m));
}
