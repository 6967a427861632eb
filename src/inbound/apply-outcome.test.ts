import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { BounceReason } from '../classify/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { decideOutcome, type OutcomeInput, type OutcomePlan } from './apply-outcome.ts';

const policy: Sequence['policy'] = {
  timezone: 'America/New_York',
  sendDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  sendHours: { startMinute: 9 * 60, endMinute: 17 * 60 },
  maxPerContact30d: 8,
  mailboxCaps: { perDay: 200, perHour: 50 },
};
const step = (id: string, index: number, outcomes: Sequence['steps'][number]['outcomes'] = {}) => ({
  id,
  index,
  wait: { kind: 'duration' as const, ms: 0 },
  subject: index === 0 ? 'Quick question' : undefined,
  body: 'Hi, what made you look? Just reply.',
  asks: undefined,
  outcomes,
});
const sequence: Sequence = {
  id: 'trial',
  name: 'Trial',
  file: 'trial.yaml',
  owner: 'owner@parley.example',
  sender: { name: 'Dana', address: 'dana@parley.example', replyTo: undefined },
  audience: { manual: true, segment: undefined, reenter: false, onExit: 'stay' },
  policy,
  optOut: { sentence: 'Reply stop.', listUnsubscribe: false },
  html: false,
  duringConversation: 'hold',
  outcomes: {
    not_now: { action: 'resume_after', wait: { kind: 'business_days', days: 10 } },
    not_interested: { action: 'stop' },
    wrong_person: { action: 'move_to', sequenceId: 'referral' },
  },
  lint: {},
  steps: [step('hello', 0, { interested: { action: 'mark_qualified' } }), step('nudge', 1)],
};
const referral: Sequence = { ...sequence, id: 'referral', outcomes: {} };

// Wednesday 4 March 2026, 15:00 UTC (10:00 in New York)
const now = new Date('2026-03-04T15:00:00Z');
const input = (intent: OutcomeInput['classification']['intent'], more: Partial<OutcomeInput> = {}): OutcomeInput => ({
  sequence,
  getSequence: (id) => (id === 'referral' ? referral : undefined),
  stepId: 'nudge',
  classification: { intent },
  visibleText: '',
  written: now,
  now,
  contact: { timeZone: undefined, owner: undefined },
  nextStepAt: new Date('2026-03-06T14:00:00Z'),
  ...more,
});

/** The enrollment status the plan's event sets (undefined: it stays as it is). */
const statusOf = (plan: OutcomePlan) =>
  plan.enrollment?.kind === 'paused' ? 'paused' : plan.enrollment?.kind === 'stopped' ? 'stopped' : undefined;
const nextAtOf = (plan: OutcomePlan) => (plan.enrollment?.kind === 'rescheduled' ? plan.enrollment.nextStepAt : undefined);

describe('decideOutcome', () => {
  it('pauses and queues a task by default', () => {
    const plan = decideOutcome(input('question'));
    assert.equal(plan.action, 'pause_and_task');
    assert.deepEqual(statusOf(plan), 'paused');
    assert.deepEqual(plan.task, { assignee: undefined });
  });

  it('follows the step override before the sequence outcome', () => {
    assert.equal(decideOutcome(input('interested', { stepId: 'hello' })).action, 'mark_qualified');
    const routed = decideOutcome(input('interested', { stepId: 'nudge' }));
    assert.equal(routed.action, 'pause_and_task');
    const qualified = decideOutcome(
      input('interested', { stepId: 'hello', contact: { timeZone: undefined, owner: 'rep@parley.example' } }),
    );
    assert.deepEqual([qualified.qualify, statusOf(qualified), qualified.task?.assignee], [true, 'stopped', 'rep@parley.example']);
  });

  it('resumes "not now" after ten business days, at the window opening in the contact zone', () => {
    const plan = decideOutcome(input('not_now'));
    assert.equal(plan.action, 'resume_after');
    assert.equal(statusOf(plan), undefined, 'stays active');
    // Wed 4 Mar 10:00 EST + 10 business days = Wed 18 Mar 10:00 EDT (DST began 8 Mar).
    assert.equal(nextAtOf(plan)?.toISOString(), '2026-03-18T14:00:00.000Z');
  });

  it('resumes "not now" on the date the lead named, in their zone, capped by at_most', () => {
    // "Ping me again in March", written Wed 4 Mar 2026: next March, 1 March 2027 (a Monday), 09:00 in New York.
    const march = decideOutcome(input('not_now', { visibleText: 'Not now. Ping me again in March.' }));
    assert.equal(nextAtOf(march)?.toISOString(), '2027-03-01T14:00:00.000Z');
    assert.deepEqual([march.namedDate?.phrase, march.namedDate?.capped], ['March', false]);
    assert.match(march.enrollment?.reason ?? '', /they named "March"/);
    // A date past the file's at_most is cut to it: 60 days after 4 Mar is Sun 3 May, so Mon 4 May 09:00.
    const limited: Sequence = {
      ...sequence,
      outcomes: {
        not_now: { action: 'resume_after', wait: { kind: 'business_days', days: 10 }, atMost: { kind: 'duration', ms: 60 * 86_400_000 } },
      },
    };
    const capped = decideOutcome(input('not_now', { sequence: limited, visibleText: 'Try me again next year.' }));
    assert.equal(nextAtOf(capped)?.toISOString(), '2026-05-04T13:00:00.000Z');
    assert.equal(capped.namedDate?.capped, true);
    // German, and a quarter: "im zweiten Quartal" is 1 April.
    const q2 = decideOutcome(input('not_now', { visibleText: 'Gerade schlecht, melden Sie sich im zweiten Quartal wieder.' }));
    assert.equal(nextAtOf(q2)?.toISOString(), '2026-04-01T13:00:00.000Z');
    // Nothing named: the file's wait.
    assert.equal(
      nextAtOf(decideOutcome(input('not_now', { visibleText: 'Not right now, sorry.' })))?.toISOString(),
      '2026-03-18T14:00:00.000Z',
    );
  });

  it('shows the date a "not now" reply named on the task when a person decides', () => {
    const paused: Sequence = { ...sequence, outcomes: {} };
    const plan = decideOutcome(input('not_now', { sequence: paused, visibleText: 'Busy until the summer. After the 15th of June works.' }));
    assert.equal(plan.action, 'pause_and_task');
    assert.equal(plan.namedDate?.at.toISOString().slice(0, 10), '2026-06-15');
  });

  it('treats a meeting request as interest when the file says only what `interested` does', () => {
    const routed: Sequence = { ...sequence, outcomes: { interested: { action: 'route_to_owner' } } };
    const plan = decideOutcome(
      input('meeting_request', { sequence: routed, contact: { timeZone: undefined, owner: 'rep@parley.example' } }),
    );
    assert.deepEqual([plan.action, plan.task?.assignee], ['route_to_owner', 'rep@parley.example']);
    const own: Sequence = {
      ...sequence,
      outcomes: { interested: { action: 'route_to_owner' }, meeting_request: { action: 'mark_qualified' } },
    };
    assert.equal(decideOutcome(input('meeting_request', { sequence: own })).action, 'mark_qualified');
  });

  it('moves a referral to the named sequence, or leaves it to a person when that sequence is not loaded', () => {
    const moved = decideOutcome(input('wrong_person'));
    assert.equal(moved.moveTo?.id, 'referral');
    assert.equal(statusOf(moved), 'stopped');
    const missing = decideOutcome(input('wrong_person', { getSequence: () => undefined }));
    assert.deepEqual([missing.action, statusOf(missing), Boolean(missing.task)], ['pause_and_task', 'paused', true]);
  });

  it('always suppresses on unsubscribe and stops on a bounce, whatever the file says', () => {
    const custom: Sequence = { ...sequence, outcomes: { ...sequence.outcomes, not_interested: { action: 'pause_and_task' } } };
    assert.equal(decideOutcome(input('unsubscribe', { sequence: custom })).suppress, 'unsubscribe');
    const hard = decideOutcome(
      input('bounce', {
        sequence: custom,
        bounce: { kind: 'hard', status: '5.1.1', diagnostic: undefined, recipient: undefined, originalMessageId: undefined },
      }),
    );
    assert.deepEqual([hard.suppress, statusOf(hard)], ['bounce', 'stopped']);
    const soft = decideOutcome(
      input('bounce', {
        sequence: custom,
        bounce: { kind: 'soft', status: '4.2.2', diagnostic: undefined, recipient: undefined, originalMessageId: undefined },
      }),
    );
    assert.deepEqual([soft.suppress, soft.softBounce, soft.enrollment], [undefined, true, undefined]);
    const delayed = decideOutcome(
      input('bounce', {
        bounce: {
          kind: 'soft',
          status: '4.7.1',
          diagnostic: undefined,
          recipient: undefined,
          originalMessageId: undefined,
          action: 'delayed',
        },
      }),
    );
    assert.deepEqual([delayed.action, delayed.softBounce, delayed.enrollment], ['none', false, undefined]);
  });

  it('acts on a bounce by its reason: suppresses a dead address only, retries a temporary failure, pauses on a refusal', () => {
    const bounce = (kind: 'hard' | 'soft', status: string, reason: BounceReason) =>
      decideOutcome(
        input('bounce', { bounce: { kind, status, reason, diagnostic: undefined, recipient: undefined, originalMessageId: undefined } }),
      );
    const row = (plan: OutcomePlan) => [plan.action, plan.suppress, statusOf(plan), plan.softBounce, plan.deliveryRefused];
    assert.deepEqual(row(bounce('hard', '5.1.2', 'host_unknown')), ['suppressed', 'bounce', 'stopped', false, undefined]);
    assert.deepEqual(row(bounce('hard', '5.2.1', 'suspended')), ['suppressed', 'bounce', 'stopped', false, undefined]);
    assert.deepEqual(row(bounce('soft', '4.2.1', 'suspended')), ['soft_bounce', undefined, undefined, true, undefined]);
    // Expired in the sender's queue: the address may work; retried like a soft bounce.
    assert.deepEqual(row(bounce('hard', '5.4.7', 'expired')), ['soft_bounce', undefined, undefined, true, undefined]);
    assert.deepEqual(row(bounce('hard', '5.7.1', 'spam_detected')), ['delivery_refused', undefined, 'paused', false, 'spam_detected']);
    assert.deepEqual(row(bounce('hard', '5.7.1', 'blocked')), ['delivery_refused', undefined, 'paused', false, 'blocked']);
    assert.deepEqual(row(bounce('hard', '5.3.4', 'message_too_big')), ['delivery_refused', undefined, 'paused', false, 'message_too_big']);
    assert.equal(bounce('hard', '5.7.26', 'policy').enrollment?.reason, 'delivery refused: policy 5.7.26');
    assert.deepEqual(row(bounce('hard', '5.0.0', 'undefined')), ['delivery_failed', undefined, 'paused', false, undefined]);
  });

  it('leaves the enrollment alone on an automatic answer that is not out-of-office', () => {
    const plan = decideOutcome(input('auto_reply'));
    assert.deepEqual([plan.action, plan.enrollment, plan.task], ['none', undefined, undefined]);
  });

  it('resumes after an out-of-office return date, at the next send window, with no task', () => {
    const plan = decideOutcome(input('out_of_office', { visibleText: 'I am out of the office until Monday, March 9.' }));
    assert.equal(plan.task, undefined);
    assert.equal(nextAtOf(plan)?.toISOString(), '2026-03-09T13:00:00.000Z', 'Mon 9 Mar 09:00 EDT');
    const noDate = decideOutcome(input('out_of_office', { visibleText: 'I am on vacation.' }));
    assert.equal(nextAtOf(noDate)?.toISOString(), '2026-03-11T15:00:00.000Z', 'a week later, Wed 11 Mar 11:00 EDT');
  });

  it('an out-of-office return date that has passed or lies over a year away gives the default week', () => {
    for (const visibleText of ['I am out of the office until 2 March 2025.', 'I am on sabbatical until March 2028.']) {
      const plan = decideOutcome(input('out_of_office', { visibleText }));
      assert.equal(plan.action, 'resume_after');
      assert.equal(nextAtOf(plan)?.toISOString(), '2026-03-11T15:00:00.000Z', visibleText);
    }
  });
});
