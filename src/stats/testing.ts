import type { EnrollmentDoc, EnrollmentStatus, EventDoc } from '../db/index.ts';
import { OWN_EVENTS } from '../events/types.ts';
import type { ConversationMetrics, SequenceOutline, SequenceStats, StatsPeriod } from './types.ts';

/**
 * For tests only: one known history, used by the unit tests (computeStats on arrays) and the
 * integration test (the same documents in FerretDB or MongoDB, read by readStats, `parley stats`
 * and the web app), with every number worked out by hand in FIXTURE_EXPECTED.
 */

/** March 2026, to is exclusive. */
export const FIXTURE_PERIOD: StatsPeriod = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-31T00:00:00Z') };
/** The read happens a few days after the period: replies to March's emails that came in April count. */
export const FIXTURE_AS_OF = new Date('2026-04-05T00:00:00Z');

/** The catalog: `trial` with three steps, `empty` with nothing sent. `other` has events but no file any more. */
export const FIXTURE_SEQUENCES: SequenceOutline[] = [
  { id: 'trial', name: 'Trial follow-up', stepIds: ['hello', 'nudge', 'last'] },
  { id: 'empty', name: 'Nothing sent yet', stepIds: ['only'] },
];

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (day: string, time = '10:00') => new Date(`2026-${day}T${time}:00Z`);

function event(
  type: string,
  key: string,
  enrollmentId: string | undefined,
  sequenceId: string,
  stepId: string | undefined,
  when: Date,
  props: Record<string, string> = {},
): EventDoc {
  return {
    _id: `${type}:${key}`,
    contactId: `c-${enrollmentId ?? 'none'}`,
    type,
    at: when,
    source: 'parley',
    props,
    sequenceId,
    ...(stepId !== undefined && { stepId }),
    ...(enrollmentId !== undefined && { enrollmentId }),
    receivedAt: when,
  };
}
const sent = (e: string, step: string, when: Date, attempt = 1, seq = 'trial') =>
  event(OWN_EVENTS.sent, `${e}:${step}#${attempt}`, e, seq, step, when, { attempt: String(attempt) });
const replied = (e: string, step: string | undefined, when: Date, intent: string, seq = 'trial') =>
  event(OWN_EVENTS.replied, `mid:<${e}-${step ?? 'x'}@lead.example>`, e, seq, step, when, {
    intent,
    matched_by: step ? 'thread' : 'sender',
  });
const answered = (e: string, step: string | undefined, when: Date, ms: number, seq = 'trial') =>
  event(OWN_EVENTS.taskAnswered, `reply:mid:<${e}-${step ?? 'x'}@lead.example>`, e, seq, undefined, when, {
    response_ms: String(ms),
    rep: 'rita@parley.test',
  });

/** Each enrollment's story; what counts is said next to it. */
export function fixtureEvents(): EventDoc[] {
  return [
    // e1: hello sent twice (a crash between the SMTP 250 and the record): one email. Replied
    // interested, answered in 4 minutes, qualified: credited to hello.
    sent('e1', 'hello', at('03-02')),
    sent('e1', 'hello', at('03-02', '10:05'), 2),
    replied('e1', 'hello', at('03-03'), 'interested'),
    answered('e1', 'hello', at('03-03', '10:04'), 4 * MIN),
    event(OWN_EVENTS.qualified, 'c-e1', 'e1', 'trial', undefined, at('03-05'), { by: 'rita@parley.test' }),
    // e2: hello hard-bounced: sent, not delivered.
    sent('e2', 'hello', at('03-02')),
    event(OWN_EVENTS.bounced, 'mid:<dsn-e2@mx.example>', 'e2', 'trial', 'hello', at('03-02', '10:01'), { kind: 'hard', status: '5.1.1' }),
    // e3: a soft bounce on hello (retried, still delivered), then nudge; replied to nudge with a
    // question, answered in 45 minutes.
    sent('e3', 'hello', at('03-02')),
    event(OWN_EVENTS.bounced, 'mid:<dsn-e3@mx.example>', 'e3', 'trial', 'hello', at('03-02', '11:00'), { kind: 'soft', status: '4.2.2' }),
    sent('e3', 'nudge', at('03-05')),
    replied('e3', 'nudge', at('03-06'), 'question'),
    answered('e3', 'nudge', at('03-06', '10:45'), 45 * MIN),
    // e4: all three steps; a reply matched by the sender's address names no step: the total row
    // only. Answered in 90 seconds.
    sent('e4', 'hello', at('03-02')),
    sent('e4', 'nudge', at('03-05')),
    sent('e4', 'last', at('03-08')),
    replied('e4', undefined, at('03-09'), 'question'),
    answered('e4', undefined, at('03-09', '10:01'), 90_000),
    // e5: hello sent at the very start of the period (counts), then unsubscribed by link,
    // credited to hello.
    sent('e5', 'hello', FIXTURE_PERIOD.from),
    event(OWN_EVENTS.unsubscribed, 'c-e5', 'e5', 'trial', 'hello', at('03-04'), { via: 'link' }),
    // e6: an out-of-office to hello (no reply), then nudge; replied asking for a meeting,
    // answered in 3 hours, qualified on 2 April (after the period, before the read): credited to nudge.
    sent('e6', 'hello', at('03-02')),
    event(OWN_EVENTS.autoReplied, 'mid:<ooo-e6@lead.example>', 'e6', 'trial', 'hello', at('03-02', '10:02'), { intent: 'out_of_office' }),
    sent('e6', 'nudge', at('03-05')),
    replied('e6', 'nudge', at('03-30'), 'meeting_request'),
    answered('e6', 'nudge', at('03-30', '13:00'), 3 * HOUR),
    event(OWN_EVENTS.qualified, 'c-e6', 'e6', 'trial', undefined, at('04-02'), { by: 'parley' }),
    // e7: hello went out in February; its reply in March answers February's email and does not
    // count (nor its answer). Nudge in March counts as sent and delivered.
    sent('e7', 'hello', at('02-27')),
    replied('e7', 'hello', at('03-02'), 'not_now'),
    answered('e7', 'hello', at('03-02', '10:10'), 10 * MIN),
    sent('e7', 'nudge', at('03-03')),
    // e8: hello at the end of March; the reply on 3 April counts for March. Answered in 30 hours.
    sent('e8', 'hello', at('03-30')),
    replied('e8', 'hello', at('04-03'), 'not_interested'),
    answered('e8', 'hello', at('04-04', '16:00'), 30 * HOUR),
    // e9: hello sent exactly at the period's end (exclusive): not March's; neither is its reply.
    sent('e9', 'hello', FIXTURE_PERIOD.to),
    replied('e9', 'hello', at('04-01'), 'interested'),
    // e11: a step the file no longer has: listed after the file's steps, without a position.
    sent('e11', 'retired', at('03-10')),
    // e10, in `other` (no file): replied "unsubscribe" and was unsubscribed: a 100% opt-out rate.
    sent('e10', 'only', at('03-10'), 1, 'other'),
    replied('e10', 'only', at('03-11'), 'unsubscribe', 'other'),
    event(OWN_EVENTS.unsubscribed, 'c-e10', 'e10', 'other', 'only', at('03-11'), { via: 'reply' }),
    // Not conversation events: ignored.
    event('page_visited', 'ext:1', 'e1', 'trial', undefined, at('03-02'), { url: '/pricing' }),
    event(OWN_EVENTS.sent, 'no-enrollment', undefined, 'trial', 'hello', at('03-02')),
  ];
}

/** A stored enrollment for fixtures: contact `c-<id>`, address `<id>@lead.example`, round 1. */
export function fixtureEnrollment(id: string, sequenceId: string, status: EnrollmentStatus, enrolledAt: Date): EnrollmentDoc {
  return {
    _id: id,
    contactId: `c-${id}`,
    email: `${id}@lead.example`,
    sequenceId,
    status,
    passedStepIds: [],
    skippedSteps: [],
    nextStepAt: null,
    threadMessageIds: [],
    enrolledAt,
    updatedAt: enrolledAt,
    round: 1,
  };
}

/** Completion: trial has 10 enrolled in March (e7 enrolled in February), 2 completed (e4, e11); other 1 of 1. */
export function fixtureEnrollments(): EnrollmentDoc[] {
  return [
    fixtureEnrollment('e1', 'trial', 'paused', at('03-01')),
    fixtureEnrollment('e2', 'trial', 'stopped', at('03-01')),
    fixtureEnrollment('e3', 'trial', 'paused', at('03-01')),
    fixtureEnrollment('e4', 'trial', 'completed', at('03-01')),
    fixtureEnrollment('e5', 'trial', 'stopped', at('03-01')),
    fixtureEnrollment('e6', 'trial', 'paused', at('03-01')),
    fixtureEnrollment('e7', 'trial', 'completed', at('02-26')),
    fixtureEnrollment('e8', 'trial', 'paused', at('03-29')),
    fixtureEnrollment('e9', 'trial', 'active', at('03-30')),
    fixtureEnrollment('e11', 'trial', 'completed', at('03-09')),
    fixtureEnrollment('e12', 'trial', 'active', at('03-30', '23:59')),
    fixtureEnrollment('e10', 'other', 'completed', at('03-09')),
  ];
}

/** A row's numbers in one line: counts, rates as "count/of", response times in ms. */
export function rowOf(m: ConversationMetrics): Record<string, number | string | boolean | undefined> {
  const r = (x: { count: number; of: number }) => `${x.count}/${x.of}`;
  return {
    sent: m.sent,
    delivered: m.delivered,
    bounced: m.bounced,
    replied: m.replied,
    positive: m.positive,
    qualified: m.qualified,
    unsubscribed: m.unsubscribed,
    replyRate: r(m.replyRate),
    positiveReplyRate: r(m.positiveReplyRate),
    qualificationRate: r(m.qualificationRate),
    optOutRate: r(m.optOutRate),
    optOutWarning: m.optOutWarning,
    conversationToPipeline: r(m.conversationToPipeline),
    answered: m.responseTimes.answered,
    medianMs: m.responseTimes.medianMs,
    p90Ms: m.responseTimes.p90Ms,
  };
}

/** A report (or its JSON) in FIXTURE_EXPECTED's shape. */
export function reportShape(report: { sequences: ReadonlyArray<Pick<SequenceStats, 'sequenceId' | 'steps' | 'total' | 'completion'>> }) {
  return Object.fromEntries(
    report.sequences.map((s) => [
      s.sequenceId,
      {
        steps: Object.fromEntries(s.steps.map((step) => [step.stepId, rowOf(step)])),
        total: rowOf(s.total),
        completion: `${s.completion.count}/${s.completion.of}`,
      },
    ]),
  );
}

const row = (
  counts: [sent: number, delivered: number, bounced: number, replied: number, positive: number, qualified: number, unsubscribed: number],
  pipeline: string,
  optOutWarning: boolean,
  times: [answered: number, medianMs: number | undefined, p90Ms: number | undefined],
) => {
  const [sentN, delivered, bounced, repliedN, positive, qualified, unsubscribed] = counts;
  return {
    sent: sentN,
    delivered,
    bounced,
    replied: repliedN,
    positive,
    qualified,
    unsubscribed,
    replyRate: `${repliedN}/${delivered}`,
    positiveReplyRate: `${positive}/${delivered}`,
    qualificationRate: `${qualified}/${delivered}`,
    optOutRate: `${unsubscribed}/${delivered}`,
    optOutWarning,
    conversationToPipeline: pipeline,
    answered: times[0],
    medianMs: times[1],
    p90Ms: times[2],
  };
};

/**
 * Worked out by hand from the stories above.
 * hello: sent e1 (once), e2, e3, e4, e5, e6, e8 = 7 (e7's was February's, e9's is April's); e2
 *   bounced: delivered 6. Replied e1 (interested), e8 = 2; positive 1. Qualified e1 (its last
 *   reply was to hello) = 1. Unsubscribed e5 = 1: 1/6 = 16.7% > 3%, warned. Pipeline: of e1, e8,
 *   e1 qualified: 1/2. Answers 4 min and 30 h: nearest-rank median is the 1st (⌈2·0.5⌉) = 4 min,
 *   p90 the 2nd (⌈2·0.9⌉) = 30 h.
 * nudge: sent e3, e4, e6, e7 = 4, all delivered. Replied e3 (question), e6 (meeting_request) = 2;
 *   positive 1; qualified e6 = 1; no opt-out. Pipeline 1/2. Answers 45 min, 3 h: median 45 min, p90 3 h.
 * last: e4 only: 1 sent and delivered, nothing else; pipeline 0/0 (no rate), no answers.
 * retired: e11 only, like last.
 * total: enrollments e1–e8 and e11 = 9 sent; e2 (its only email bounced) is the one not
 *   delivered: 8. Replied e1, e3, e4 (no step), e6, e8 = 5; positive e1, e6 = 2; qualified e1, e6 =
 *   2; unsubscribed e5 = 1: 1/8 = 12.5%, warned. Pipeline 2/5. Answers 90 s, 4 min, 45 min, 3 h,
 *   30 h (e7's 10 min is not counted): median the 3rd = 45 min, p90 the 5th (⌈5·0.9⌉) = 30 h.
 * other: e10: 1 sent, delivered, replied (not positive), unsubscribed: 1/1, warned. Pipeline 0/1.
 */
export const FIXTURE_EXPECTED = {
  trial: {
    steps: {
      hello: row([7, 6, 1, 2, 1, 1, 1], '1/2', true, [2, 4 * MIN, 30 * HOUR]),
      nudge: row([4, 4, 0, 2, 1, 1, 0], '1/2', false, [2, 45 * MIN, 3 * HOUR]),
      last: row([1, 1, 0, 0, 0, 0, 0], '0/0', false, [0, undefined, undefined]),
      retired: row([1, 1, 0, 0, 0, 0, 0], '0/0', false, [0, undefined, undefined]),
    },
    total: row([9, 8, 1, 5, 2, 2, 1], '2/5', true, [5, 45 * MIN, 30 * HOUR]),
    /** e1–e6, e8, e9, e11, e12 enrolled in March; e4 and e11 completed. */
    completion: '2/10',
  },
  empty: {
    steps: { only: row([0, 0, 0, 0, 0, 0, 0], '0/0', false, [0, undefined, undefined]) },
    total: row([0, 0, 0, 0, 0, 0, 0], '0/0', false, [0, undefined, undefined]),
    completion: '0/0',
  },
  other: {
    steps: { only: row([1, 1, 0, 1, 0, 0, 1], '0/1', true, [0, undefined, undefined]) },
    total: row([1, 1, 0, 1, 0, 0, 1], '0/1', true, [0, undefined, undefined]),
    completion: '1/1',
  },
} as const;
