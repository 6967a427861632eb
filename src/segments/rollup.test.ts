import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { eventMatches, matchesRule, type ContactFacts } from './evaluate.ts';
import { buildRollup, conditionId, pastHorizon, planRollups, rollupFacts, talliesOf } from './rollup.ts';
import type { EventCondition, Segment } from './types.ts';
import { segmentOf as segmentFrom } from './testing.ts';

const DAY = 24 * 3600_000;
const built = new Date('2026-12-01T12:00:00Z');
const daysAfter = (d: number) => new Date(built.getTime() + d * DAY);

const segmentOf = (id: string, rules: string): Segment => segmentFrom(`id: ${id}\nname: ${id}\nrules:\n${rules}`, `segments/${id}.yaml`);

const pricing = segmentOf(
  'pricing',
  `  all:
    - event: page_visited
      where: { url: { starts_with: /pricing } }
      at_least: 2
      within: 7 days
    - not: { event: replied }
`,
);
const quiet = segmentOf(
  'quiet',
  `  all:
    - event: trial_started
    - event: logged_in
      at_most: 0
      within: 30 days
`,
);

const contact = { email: 'ada@lead.example', fields: {} };
const contactEvents: Array<{ type: string; at: Date; props: Record<string, string> }> = [
  { type: 'page_visited', at: daysAfter(-10), props: { url: '/pricing' } },
  { type: 'page_visited', at: daysAfter(-2), props: { url: '/pricing/teams' } },
  { type: 'page_visited', at: daysAfter(-1), props: { url: '/pricing' } },
  { type: 'page_visited', at: daysAfter(-1), props: { url: '/blog' } },
  { type: 'trial_started', at: daysAfter(-40), props: {} },
  { type: 'logged_in', at: daysAfter(-20), props: {} },
  { type: 'feature_used', at: daysAfter(-1), props: {} },
];

/** The reference: facts from the events themselves, as `segments explain` reads them. */
function eventFacts(now: Date): ContactFacts {
  return {
    contact,
    enrollments: [],
    events: (c: EventCondition) => {
      const matching = contactEvents.filter((e) => eventMatches(c, e, now)).sort((a, b) => b.at.getTime() - a.at.getTime());
      return { count: matching.length, newest: matching[0] };
    },
  };
}

describe('per-contact rollups', () => {
  const plan = planRollups([pricing, quiet]);
  const rollup = buildRollup(plan, 'c1', contactEvents, built);

  it('counts each distinct condition once, and only events of the types the segments read', () => {
    assert.equal(plan.conditions.size, 4);
    assert.deepEqual(plan.types, ['logged_in', 'page_visited', 'replied', 'trial_started']);
    assert.equal(rollup.events, 6, 'feature_used is not counted');
    assert.equal(rollup._id, `${plan.definitions}:c1`);
  });

  it('keeps only the times still inside a window, oldest first', () => {
    const visits = [...plan.conditions].find(([, c]) => c.type === 'page_visited')?.[0] ?? '';
    assert.deepEqual(rollup.conditions[visits]?.recent, [daysAfter(-2), daysAfter(-1)]);
    assert.equal(rollup.conditions[visits]?.count, 3);
    assert.equal(rollup.conditions[visits]?.newest?.props.url, '/pricing');
  });

  it('gives the same verdicts as the events, now and as the windows move on', () => {
    for (const days of [0, 1, 5, 6, 10, 40]) {
      const now = daysAfter(days);
      const fromRollup = rollupFacts(plan, contact, talliesOf(plan, rollup), [], now);
      for (const segment of [pricing, quiet])
        assert.equal(matchesRule(segment.rule, fromRollup), matchesRule(segment.rule, eventFacts(now)), `${segment.id} ${days} days on`);
    }
    // The two recent visits keep her in for 5 more days; the login leaves the window 10 days on.
    assert.equal(matchesRule(pricing.rule, rollupFacts(plan, contact, rollup.conditions, [], daysAfter(5))), true);
    assert.equal(matchesRule(pricing.rule, rollupFacts(plan, contact, rollup.conditions, [], daysAfter(6))), false);
    assert.equal(matchesRule(quiet.rule, rollupFacts(plan, contact, rollup.conditions, [], daysAfter(5))), false);
    assert.equal(matchesRule(quiet.rule, rollupFacts(plan, contact, rollup.conditions, [], daysAfter(11))), true);
  });

  it('reads each type back only as far as its longest window, and every event of a type some condition counts ever', () => {
    assert.equal(plan.horizons.get('page_visited'), 7 * DAY);
    assert.equal(plan.horizons.get('logged_in'), 30 * DAY);
    assert.equal(plan.horizons.get('trial_started'), undefined, 'trial_started counts ever');
    assert.equal(plan.horizons.get('replied'), undefined, 'not replied, ever');
    assert.equal(pastHorizon(plan, { type: 'page_visited', at: daysAfter(-8) }, built), true);
    assert.equal(pastHorizon(plan, { type: 'page_visited', at: daysAfter(-6) }, built), false);
    assert.equal(pastHorizon(plan, { type: 'trial_started', at: daysAfter(-400) }, built), false);
  });

  it('gives the same verdicts from the events within the horizons as from all of them', () => {
    const within = contactEvents.filter((e) => plan.types.includes(e.type) && !pastHorizon(plan, e, built));
    assert.ok(within.length < 6, 'the visit 10 days ago is past the horizon');
    const partial = buildRollup(plan, 'c1', within, built);
    for (const days of [0, 1, 5, 6, 10, 40]) {
      const now = daysAfter(days);
      for (const segment of [pricing, quiet]) {
        assert.equal(
          matchesRule(segment.rule, rollupFacts(plan, contact, partial.conditions, [], now)),
          matchesRule(segment.rule, eventFacts(now)),
          `${segment.id} ${days} days on`,
        );
      }
    }
  });

  it('reads a rollup built for other conditions as empty, and names a changed set differently', () => {
    const edited = planRollups([pricing]);
    assert.notEqual(edited.definitions, plan.definitions);
    assert.deepEqual(talliesOf(edited, rollup), {});
    assert.equal(planRollups([quiet, pricing]).definitions, plan.definitions, 'the order of the files does not matter');
  });

  it('names conditions with hex ids (no dots or dollars in stored keys), the same for equal conditions', () => {
    const [first] = pricing.rule.kind === 'all' ? pricing.rule.rules : [];
    assert.ok(first?.kind === 'event');
    assert.match(conditionId(first), /^[0-9a-f]{16}$/);
    assert.equal(conditionId({ ...first }), conditionId(first));
  });
});
