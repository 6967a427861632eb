import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { computeStats } from './collector.ts';
import { DaySummary, decodePart } from './days.ts';
import type { StatsEvent, VariantStats } from './types.ts';
import { compareRates, compareVariants, fisherExactP, twoProportionP } from './variants.ts';

const AT = new Date('2026-03-02T10:00:00Z');
const PERIOD = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-08T00:00:00Z') };
const SEQUENCES = [{ id: 'ab', name: 'AB', stepIds: ['hello'] }];

/** n enrollments per variant at step hello, the first `replied` of them replying (`positive` of those interested). */
function history(plan: Record<string, { sent: number; replied: number; positive: number }>): StatsEvent[] {
  return Object.entries(plan).flatMap(([variant, p]) =>
    Array.from({ length: p.sent }, (_, i): StatsEvent[] => {
      const enrollmentId = `${variant}-${i}`;
      const base = { sequenceId: 'ab', stepId: 'hello', enrollmentId };
      const sent: StatsEvent = { _id: `email_sent:${enrollmentId}`, type: 'email_sent', at: AT, ...base, props: { attempt: '1', variant } };
      if (i >= p.replied) return [sent];
      const intent = i < p.positive ? 'interested' : 'not_now';
      return [
        sent,
        { _id: `replied:r-${enrollmentId}`, type: 'replied', at: new Date(AT.getTime() + 3_600_000), ...base, props: { intent } },
      ];
    }).flat(),
  );
}

const statsOf = (events: readonly StatsEvent[]) =>
  computeStats({ period: PERIOD, asOf: PERIOD.to, sequences: SEQUENCES, events, enrollments: [] }).sequences[0]?.steps[0];

describe('stats per A/B variant', () => {
  it('counts sent, replied and positive per variant, with rates', () => {
    const step = statsOf(history({ a: { sent: 40, replied: 4, positive: 1 }, b: { sent: 50, replied: 15, positive: 5 } }));
    assert.deepEqual(
      step?.variants?.map((v) => [v.variantId, v.sent, v.replied, v.positive, v.replyRate.value, v.positiveReplyRate.value]),
      [
        ['a', 40, 4, 1, 0.1, 0.025],
        ['b', 50, 15, 5, 0.3, 0.1],
      ],
    );
    assert.equal(step?.sent, 90);
    assert.equal(step?.variantComparison?.ready, true);
    assert.match(step?.variantComparison?.note ?? '', /b vs a: p = 0\.0[12]\d \(z-test\), a real difference/);
  });

  it('reads the variant back from day summaries exactly as from the events', () => {
    const events = history({ a: { sent: 12, replied: 3, positive: 1 }, b: { sent: 9, replied: 1, positive: 1 } });
    const summary = new DaySummary('2026-03-02');
    for (const e of events) summary.add(e);
    const decoded = [...summary.parts(5)].flatMap((part) =>
      decodePart({ day: '2026-03-02', sequenceId: part.sequenceId, events: part.events }),
    );
    assert.deepEqual(statsOf(decoded)?.variants, statsOf(events)?.variants);
    assert.equal(statsOf(decoded)?.variants?.length, 2);
  });

  it('has no variant rows for a step sent without variants', () => {
    const events = history({ a: { sent: 3, replied: 1, positive: 0 } }).map((e) => ({
      ...e,
      props: e.type === 'email_sent' ? { attempt: '1' } : e.props,
    }));
    assert.equal(statsOf(events)?.variants, undefined);
  });
});

describe('variant significance', () => {
  it('two-proportion z-test: 20/100 vs 10/100 is p ≈ 0.048; equal rates p = 1; nothing to compare undefined', () => {
    const p = twoProportionP({ count: 20, of: 100 }, { count: 10, of: 100 });
    assert.ok(p !== undefined && Math.abs(p - 0.0477) < 0.001, String(p));
    assert.ok(Math.abs((twoProportionP({ count: 5, of: 50 }, { count: 5, of: 50 }) ?? 0) - 1) < 1e-6);
    assert.equal(twoProportionP({ count: 0, of: 40 }, { count: 0, of: 40 }), undefined);
    assert.equal(twoProportionP({ count: 0, of: 0 }, { count: 1, of: 40 }), undefined);
  });

  it("Fisher's exact test: the textbook tables' p-values, and it takes over when replies are few", () => {
    // R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value = 0.4857; fisher.test(matrix(c(1, 11, 9, 3), 2))$p.value = 0.002759
    const tea = fisherExactP({ count: 3, of: 4 }, { count: 1, of: 4 });
    assert.ok(tea !== undefined && Math.abs(tea - 0.4857) < 1e-4, String(tea));
    const uneven = fisherExactP({ count: 1, of: 10 }, { count: 11, of: 14 });
    assert.ok(uneven !== undefined && Math.abs(uneven - 0.002759) < 1e-5, String(uneven));
    assert.ok(Math.abs((fisherExactP({ count: 2, of: 40 }, { count: 2, of: 40 }) ?? 0) - 1) < 1e-9);
    assert.equal(fisherExactP({ count: 0, of: 0 }, { count: 1, of: 40 }), undefined);
    // 1 of 40 against 7 of 40: the z-test's p (0.026) overstates it; Fisher's is 0.057.
    const few = compareRates({ count: 7, of: 40 }, { count: 1, of: 40 });
    assert.equal(few.test, 'fisher');
    assert.ok(few.p !== undefined && few.p > 0.05 && few.p < 0.06, String(few.p));
    assert.ok((twoProportionP({ count: 7, of: 40 }, { count: 1, of: 40 }) ?? 1) < 0.05);
    assert.equal(compareRates({ count: 20, of: 100 }, { count: 10, of: 100 }).test, 'z');
  });

  const v = (variantId: string, sent: number, replied: number): VariantStats => ({
    variantId,
    sent,
    delivered: sent,
    replied,
    positive: 0,
    replyRate: { count: replied, of: sent, value: replied / sent },
    positiveReplyRate: { count: 0, of: sent, value: 0 },
  });

  it('says "not enough data yet" until every variant has 30 sent, then compares the best with each other', () => {
    assert.match(compareVariants([v('a', 29, 10), v('b', 100, 1)]).note, /^not enough data yet/);
    const result = compareVariants([v('a', 100, 10), v('b', 100, 20), v('c', 100, 19)]);
    assert.deepEqual(
      result.pairs.map((pair) => [pair.best, pair.other, pair.significant]),
      [
        ['b', 'a', true],
        ['b', 'c', false],
      ],
    );
    assert.match(result.note, /b vs c: p = 0\.\d{3} \(z-test\), could be chance/);
    assert.match(compareVariants([v('a', 40, 7), v('b', 40, 1)]).note, /a vs b: p = 0\.05\d \(Fisher's exact test\), could be chance/);
  });
});
