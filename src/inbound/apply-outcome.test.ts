import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
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
});
