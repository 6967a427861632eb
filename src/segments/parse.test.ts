import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { formatProblem } from '../sequences/index.ts';
import { parseSegment } from './parse.ts';

const HEAD = 'id: hot\nname: Hot leads\n';

function problems(source: string): string[] {
  const result = parseSegment(source, 'segments/hot.yaml');
  assert.equal(result.ok, false, 'expected the segment to be rejected');
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('segment files', () => {
  it('reads every kind of rule, with defaults filled in', () => {
    const result = parseSegment(
      `${HEAD}rules:
  any:
    - event: page_visited
      where: { url: /pricing, plan: { in: [pro, team] } }
      within: 12 hours
    - not: { event: logged_in, at_most: 0 }
    - field: company
    - field: plan
      in: [pro]
    - qualification: team_size
      min: 10
    - qualified: true
    - sequence: trial-follow-up
`,
      'segments/hot.yaml',
    );
    assert.ok(result.ok);
    assert.deepEqual(result.segment.rule, {
      kind: 'any',
      rules: [
        {
          kind: 'event',
          type: 'page_visited',
          where: {
            url: {
              equals: '/pricing',
              in: undefined,
              startsWith: undefined,
              contains: undefined,
              exists: undefined,
              min: undefined,
              max: undefined,
            },
            plan: {
              equals: undefined,
              in: ['pro', 'team'],
              startsWith: undefined,
              contains: undefined,
              exists: undefined,
              min: undefined,
              max: undefined,
            },
          },
          atLeast: 1,
          atMost: undefined,
          windowMs: 12 * 3600_000,
          windowText: '12 hours',
        },
        {
          kind: 'not',
          rule: { kind: 'event', type: 'logged_in', where: {}, atLeast: 0, atMost: 0, windowMs: undefined, windowText: undefined },
        },
        { kind: 'field', name: 'company', test: { exists: true } },
        {
          kind: 'field',
          name: 'plan',
          test: {
            equals: undefined,
            in: ['pro'],
            startsWith: undefined,
            contains: undefined,
            exists: undefined,
            min: undefined,
            max: undefined,
          },
        },
        {
          kind: 'qualification',
          signal: 'team_size',
          test: {
            equals: undefined,
            in: undefined,
            startsWith: undefined,
            contains: undefined,
            exists: undefined,
            min: 10,
            max: undefined,
          },
        },
        { kind: 'qualified', value: true },
        { kind: 'sequence', sequenceId: 'trial-follow-up', statuses: [] },
      ],
    });
  });

  it('names the file, line, column and field of each problem', () => {
    assert.deepEqual(
      problems(`${HEAD}rules:
  all:
    - event: page_visited
      at_leest: 2
    - event: PageVisited
    - event: page_visited
      within: 2 business days
    - event: page_visited
      where: { url: { min: 3 } }
    - event: page_visited
      at_least: 3
      at_most: 1
    - frobnicate: true
    - qualification: mood
`),
      [
        "segments/hot.yaml:6:7 rules.all[0].at_leest: unknown field 'at_leest'; allowed: event, where, at_least, at_most, within",
        'segments/hot.yaml:7:14 rules.all[1].event: an event type in lower-case snake_case, like page_visited',
        'segments/hot.yaml:9:15 rules.all[2].within: expected a calendar duration like "7 days" or "12 hours"',
        'segments/hot.yaml:11:21 rules.all[3].where.url: min and max compare numbers: use them on qualification team_size',
        'segments/hot.yaml:12:7 rules.all[4]: at_least is more than at_most: no contact can match',
        'segments/hot.yaml:15:7 rules.all[5]: expected a rule: one of all, any, not, event, field, qualification, qualified, sequence',
        'segments/hot.yaml:16:22 rules.all[6].qualification: expected one of team_size, timeline, budget, authority, main_goal',
      ],
    );
  });

  it('requires id, name and rules, and a mapping at the top', () => {
    assert.deepEqual(problems('id: hot\n'), [
      "segments/hot.yaml:1:1 name: missing required field 'name'",
      "segments/hot.yaml:1:1 rules: missing required field 'rules': expected a rule: one of all, any, not, event, field, qualification, qualified, sequence",
    ]);
    assert.deepEqual(problems('- a\n'), ['segments/hot.yaml:1:1 expected a mapping with id, name and rules; found a list']);
  });
});
