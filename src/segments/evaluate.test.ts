import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  entryContext,
  eventMatches,
  explainSegment,
  formatExplanation,
  matchesRule,
  matchesValue,
  shortReason,
  type ContactFacts,
} from './evaluate.ts';
import type { EventCondition, Segment } from './types.ts';
import { segmentOf as segmentFrom } from './testing.ts';

const now = new Date('2026-12-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

const segmentOf = (rules: string): Segment => segmentFrom(`id: s\nname: Hot leads\nrules:\n${rules}`, 'segments/s.yaml');

/** Facts from a list of events held in memory, as the per-contact path builds them. */
function facts(
  events: Array<{ type: string; at: Date; props?: Record<string, string> }>,
  contact: Partial<ContactFacts['contact']> = {},
  enrollments: ContactFacts['enrollments'] = [],
): ContactFacts {
  const stored = events.map((e) => ({ ...e, props: e.props ?? {} }));
  return {
    contact: { email: 'ada@lead.example', fields: {}, ...contact },
    enrollments,
    events: (c: EventCondition) => {
      const matching = stored.filter((e) => eventMatches(c, e, now)).sort((a, b) => b.at.getTime() - a.at.getTime());
      return { count: matching.length, newest: matching[0] };
    },
  };
}

describe('segment rules', () => {
  const pricing = segmentOf(`  all:
    - event: page_visited
      where: { url: { starts_with: /pricing } }
      at_least: 2
      within: 7 days
    - not: { event: replied }
`);

  it('counts only matching events inside the window', () => {
    const twice = facts([
      { type: 'page_visited', at: hoursAgo(1), props: { url: '/pricing' } },
      { type: 'page_visited', at: hoursAgo(30), props: { url: '/pricing/teams', title: 'Teams' } },
      { type: 'page_visited', at: hoursAgo(2), props: { url: '/blog' } },
    ]);
    assert.equal(matchesRule(pricing.rule, twice), true);
    const oneTooOld = facts([
      { type: 'page_visited', at: hoursAgo(1), props: { url: '/pricing' } },
      { type: 'page_visited', at: hoursAgo(8 * 24), props: { url: '/pricing' } },
    ]);
    assert.equal(matchesRule(pricing.rule, oneTooOld), false);
    const replied = facts([
      { type: 'page_visited', at: hoursAgo(1), props: { url: '/pricing' } },
      { type: 'page_visited', at: hoursAgo(2), props: { url: '/pricing' } },
      { type: 'replied', at: hoursAgo(100), props: { intent: 'question' } },
    ]);
    assert.equal(matchesRule(pricing.rule, replied), false);
    // An event stamped in the future (a sender's clock ahead) doesn't count yet.
    assert.equal(
      eventMatches(
        { kind: 'event', type: 'x', where: {}, atLeast: 1, atMost: undefined, windowMs: undefined, windowText: undefined },
        { type: 'x', at: new Date(now.getTime() + 1000), props: {} },
        now,
      ),
      false,
    );
  });

  it('explains itself rule by rule, and gives the newest qualifying page to the templates', () => {
    const f = facts([
      { type: 'page_visited', at: hoursAgo(30), props: { url: '/pricing' } },
      { type: 'page_visited', at: hoursAgo(1), props: { url: '/pricing/teams', title: 'Team plans' } },
    ]);
    const explanation = explainSegment(pricing, f);
    assert.deepEqual(formatExplanation(explanation), [
      '✓ all of',
      '  ✓ page_visited where url starts with "/pricing": 2 in the last 7 days (needs at least 2)',
      '  ✓ not',
      '    ✗ replied: 0 ever (needs at least 1)',
    ]);
    assert.equal(
      shortReason(explanation),
      'page_visited where url starts with "/pricing": 2 in the last 7 days (needs at least 2); replied: 0 ever (needs at least 1)',
    );
    assert.deepEqual(entryContext(pricing, f), {
      segment: 'Hot leads',
      event_type: 'page_visited',
      event_at: hoursAgo(1).toISOString(),
      event_url: '/pricing/teams',
      event_title: 'Team plans',
    });
  });

  it('tests fields, qualification signals, qualified and sequence states', () => {
    const segment = segmentOf(`  all:
    - field: plan
      in: [pro, team]
    - field: company
      exists: false
    - qualification: team_size
      min: 10
      max: 50
    - qualified: false
    - sequence: trial
      status: [completed, stopped]
`);
    const contact = { fields: { plan: 'pro' }, qualification: { teamSize: 12 } };
    assert.equal(matchesRule(segment.rule, facts([], contact, [{ sequenceId: 'trial', status: 'completed' }])), true);
    assert.equal(matchesRule(segment.rule, facts([], contact, [{ sequenceId: 'trial', status: 'active' }])), false);
    assert.equal(
      matchesRule(segment.rule, facts([], { ...contact, company: 'Acme' }, [{ sequenceId: 'trial', status: 'stopped' }])),
      false,
    );
    assert.equal(
      matchesRule(segment.rule, facts([], { ...contact, qualification: { teamSize: 60 } }, [{ sequenceId: 'trial', status: 'stopped' }])),
      false,
    );
    assert.equal(
      matchesRule(
        segment.rule,
        facts([], { ...contact, qualified: { at: now, sequenceId: 'trial', replyId: 'r' } }, [{ sequenceId: 'trial', status: 'stopped' }]),
      ),
      false,
    );
  });

  it('matches values the way the database does: exact, no value only for exists: false', () => {
    assert.equal(matchesValue('/pricing', { equals: '/pricing' }), true);
    assert.equal(matchesValue('/Pricing', { equals: '/pricing' }), false);
    assert.equal(matchesValue(undefined, { exists: false }), true);
    assert.equal(matchesValue('', { exists: false }), true);
    assert.equal(matchesValue(undefined, { contains: 'x' }), false);
    assert.equal(matchesValue('/pricing/teams', { startsWith: '/pricing', contains: 'team' }), true);
    assert.equal(matchesValue('abc', { min: 1 }), false);
  });
});
