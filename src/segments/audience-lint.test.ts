import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { parseSequence } from '../sequences/index.ts';
import { audienceFindings } from './audience-lint.ts';
import { parseSegment } from './parse.ts';

describe('lint: audience segments', () => {
  const sequence = (audience: string) => {
    const result = parseSequence(
      `id: s\nname: S\nsender: { name: Dana, address: dana@parley.example }\naudience: ${audience}\nsteps:\n  - { id: a, subject: Hi, body: "Which plan? Just reply." }\n`,
      'sequences/s.yaml',
    );
    assert.ok(result.ok);
    return result.sequence;
  };
  const hot = parseSegment('id: hot\nname: Hot\nrules: { event: page_visited }\n', 'segments/hot.yaml');
  assert.ok(hot.ok);

  it('points at audience.segment when no segment file has that id', () => {
    const [finding, ...rest] = audienceFindings([sequence('{ manual: false, segment: warm }')], [hot.segment]);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      [finding?.file, finding?.line, finding?.column, finding?.field, finding?.level],
      ['sequences/s.yaml', 4, 37, 'audience.segment', 'error'],
    );
    assert.match(finding?.message ?? '', /no segment 'warm' in the segments folder \(known: hot\)/);
  });

  it('is quiet for a known segment and for manual sequences', () => {
    assert.deepEqual(audienceFindings([sequence('{ manual: false, segment: hot }'), sequence('{ manual: true }')], [hot.segment]), []);
  });
});
