import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { EnrollmentStatus } from '../db/index.ts';
import {
  ALL_STATUSES,
  softBounceRetryAt,
  transition,
  type EnrollmentEvent,
  type EnrollmentState,
  type TransitionResult,
} from './lifecycle.ts';

const now = new Date('2026-03-02T10:00:00Z');
const later = new Date('2026-03-04T09:00:00Z');
const state = (status: EnrollmentStatus, passedStepIds: string[] = ['s1'], softBounces?: number): EnrollmentState => ({
  status,
  passedStepIds,
  ...(softBounces !== undefined && { softBounces }),
});

function change(result: TransitionResult) {
  assert.ok(result.ok, `expected a change, got ${result.ok ? '' : `${result.refusal.code}: ${result.refusal.message}`}`);
  return result.change;
}
function refusal(result: TransitionResult) {
  assert.ok(!result.ok, 'expected a refusal');
  return result.refusal;
}

describe('transition: a step passed (advance)', () => {
  const sent = { messageId: '<e.s2@parley.test>', subject: 'Re: hello', inReplyTo: '<e.s1@parley.test>' };

  it('records the step, schedules the next, and is guarded by the step not being passed yet', () => {
    const c = change(transition(state('active'), { kind: 'step_passed', stepId: 's2', nextStepAt: later, sent }, now));
    assert.deepEqual(c.step, { id: 's2', passed: false });
    assert.deepEqual(c.set, { nextStepAt: later });
    assert.deepEqual(c.pass, { stepId: 's2', threadMessageId: sent.messageId });
    assert.deepEqual(c.from, ALL_STATUSES);
  });

  it('completes a running enrollment with no step left, or only records the step if a reply paused it meanwhile', () => {
    const c = change(transition(state('active'), { kind: 'step_passed', stepId: 's2', nextStepAt: null, sent }, now));
    assert.deepEqual([c.from, c.set], [['active'], { nextStepAt: null, status: 'completed' }]);
    assert.deepEqual(
      [c.otherwise?.from, c.otherwise?.set, c.otherwise?.step, c.otherwise?.pass],
      [ALL_STATUSES, { nextStepAt: null }, c.step, c.pass],
    );
  });

  it('records a step that went out while a reply paused the enrollment, and leaves it paused', () => {
    const c = change(transition(state('paused'), { kind: 'step_passed', stepId: 's2', nextStepAt: null, sent }, now));
    assert.equal(c.set.status, undefined);
  });

  it('starts a new thread for a step with its own subject', () => {
    const first = { messageId: '<e.s1@parley.test>', subject: 'Hello' };
    const c = change(transition(state('active', []), { kind: 'step_passed', stepId: 's1', nextStepAt: later, sent: first }, now));
    assert.deepEqual(c.set, { nextStepAt: later, threadSubject: 'Hello', threadMessageIds: ['<e.s1@parley.test>'] });
    assert.deepEqual(c.pass, { stepId: 's1' });
  });

  it('keeps the reason of a skipped step', () => {
    const c = change(
      transition(state('active'), { kind: 'step_passed', stepId: 's2', nextStepAt: later, skipReason: 'no first_name' }, now),
    );
    assert.deepEqual(c.pass, { stepId: 's2', skipped: { reason: 'no first_name', at: now } });
  });

  it('refuses a step already passed', () => {
    assert.equal(
      refusal(transition(state('active', ['s1', 's2']), { kind: 'step_passed', stepId: 's2', nextStepAt: later }, now)).code,
      'already_passed',
    );
  });
});

describe('transition: deferred and completed (the sender)', () => {
  it('defers only a running enrollment, guarded by the step', () => {
    const c = change(transition(state('active'), { kind: 'step_deferred', stepId: 's2', until: later }, now));
    assert.deepEqual([c.from, c.step, c.set], [['active'], { id: 's2', passed: false }, { nextStepAt: later }]);
    for (const status of ['paused', 'stopped', 'completed'] as const) {
      assert.equal(refusal(transition(state(status), { kind: 'step_deferred', stepId: 's2', until: later }, now)).code, 'illegal_state');
    }
    assert.equal(
      refusal(transition(state('active', ['s1', 's2']), { kind: 'step_deferred', stepId: 's2', until: later }, now)).code,
      'already_passed',
    );
  });

  it('completes only a running enrollment', () => {
    assert.deepEqual(change(transition(state('active'), { kind: 'completed' }, now)).set, { status: 'completed', nextStepAt: null });
    assert.equal(refusal(transition(state('paused'), { kind: 'completed' }, now)).code, 'illegal_state');
  });
});

describe('transition: pause, resume, reschedule', () => {
  const pause: EnrollmentEvent = { kind: 'paused', reason: 'reply: question', replyId: 'r1' };

  it('a reply pauses a running enrollment only', () => {
    const c = change(transition(state('active'), pause, now));
    assert.deepEqual([c.from, c.set], [['active'], { status: 'paused', statusReason: 'reply: question', statusReplyId: 'r1' }]);
    for (const status of ['paused', 'stopped', 'completed'] as const)
      assert.equal(refusal(transition(state(status), pause, now)).code, 'illegal_state');
  });

  it('a rep resumes a paused or stopped enrollment, guarded by the state they saw', () => {
    for (const status of ['paused', 'stopped'] as const) {
      const c = change(transition(state(status), { kind: 'resumed', reason: 'resumed by a rep', nextStepAt: later }, now));
      assert.deepEqual([c.from, c.set], [[status], { status: 'active', nextStepAt: later, statusReason: 'resumed by a rep' }]);
    }
  });

  it('a rep resume with no step left completes', () => {
    const c = change(transition(state('paused'), { kind: 'resumed', reason: 'resumed by a rep', nextStepAt: null }, now));
    assert.deepEqual(c.set, { status: 'completed', nextStepAt: null, statusReason: 'resumed by a rep with no step left' });
  });

  it('never resumes a completed enrollment', () => {
    assert.equal(
      refusal(transition(state('completed'), { kind: 'resumed', reason: 'resumed by a rep', nextStepAt: later }, now)).code,
      'illegal_state',
    );
  });

  it('an out-of-office reply pushes back a running enrollment only: a paused, stopped or finished one is never set running', () => {
    const back: EnrollmentEvent = { kind: 'rescheduled', reason: 'out of office until 2026-03-04', replyId: 'r2', nextStepAt: later };
    const c = change(transition(state('active'), back, now));
    assert.deepEqual(
      [c.from, c.set],
      [['active'], { nextStepAt: later, statusReason: 'out of office until 2026-03-04', statusReplyId: 'r2' }],
    );
    assert.equal(c.set.status, undefined);
    for (const status of ['paused', 'stopped', 'completed'] as const)
      assert.equal(refusal(transition(state(status), back, now)).code, 'illegal_state');
  });
});

describe('transition: stop', () => {
  it('stops running and paused enrollments for an unsubscribe, a bounce, a reply, a rep or a segment exit', () => {
    for (const cause of ['unsubscribe', 'hard_bounce', 'reply', 'rep', 'segment_exit', 'soft_bounces'] as const) {
      for (const status of ['active', 'paused'] as const) {
        const c = change(transition(state(status), { kind: 'stopped', cause, reason: 'why', replyId: 'r3' }, now));
        assert.deepEqual(
          [c.from, c.set],
          [['active', 'paused'], { status: 'stopped', statusReason: 'why', nextStepAt: null, statusReplyId: 'r3' }],
        );
      }
      assert.equal(refusal(transition(state('completed'), { kind: 'stopped', cause, reason: 'why' }, now)).code, 'illegal_state');
    }
  });

  it('the sender stops only what it was about to send', () => {
    for (const cause of ['send_failed', 'contact_unavailable'] as const) {
      assert.deepEqual(change(transition(state('active'), { kind: 'stopped', cause, reason: 'why' }, now)).from, ['active']);
      assert.equal(refusal(transition(state('paused'), { kind: 'stopped', cause, reason: 'why' }, now)).code, 'illegal_state');
    }
  });
});

describe('transition: soft-bounce retry', () => {
  const bounce = (stepId: string | undefined = 's1'): EnrollmentEvent => ({ kind: 'soft_bounced', stepId, replyId: 'r4', limit: 3 });

  it('sends the latest step again after a back-off of 4, 8, 16 hours', () => {
    const c = change(transition(state('active', ['s1']), bounce(), now));
    assert.deepEqual(c.step, { id: 's1', passed: true });
    assert.equal(c.unpass, 's1');
    assert.deepEqual(c.from, ['active']);
    assert.deepEqual(c.set, {
      status: 'active',
      statusReason: 'soft bounce 1 of 3; sending again',
      nextStepAt: softBounceRetryAt(now, 1),
      softBounces: 1,
    });
    assert.equal(softBounceRetryAt(now, 1).getTime() - now.getTime(), 4 * 3600_000);
    assert.equal(change(transition(state('active', ['s1'], 2), bounce(), now)).set.nextStepAt?.getTime(), now.getTime() + 16 * 3600_000);
  });

  it('never sets a paused-by-reply or completed enrollment running again (a forged "mailbox full" report)', () => {
    for (const status of ['paused', 'completed'] as const) {
      const r = refusal(transition(state(status, ['s1']), bounce(), now));
      assert.deepEqual([r.code, r.status, r.event], ['illegal_state', status, 'soft_bounced']);
    }
  });

  it('only counts the bounce of an older step, or of a stopped enrollment', () => {
    assert.deepEqual(change(transition(state('active', ['s1', 's2']), bounce('s1'), now)).set, { softBounces: 1 });
    assert.deepEqual(
      change(transition(state('active', ['s1']), { kind: 'soft_bounced', stepId: undefined, replyId: 'r4', limit: 3 }, now)).set,
      { softBounces: 1 },
    );
    const stopped = change(transition(state('stopped', ['s1']), bounce(), now));
    assert.deepEqual([stopped.set, stopped.unpass], [{ softBounces: 1 }, undefined]);
  });

  it('stops a running or paused enrollment past the limit', () => {
    for (const status of ['active', 'paused'] as const) {
      const c = change(transition(state(status, ['s1'], 3), bounce(), now));
      assert.deepEqual(
        [c.from, c.set],
        [
          ['active', 'paused'],
          { status: 'stopped', statusReason: '4 soft bounces', statusReplyId: 'r4', nextStepAt: null, softBounces: 4 },
        ],
      );
    }
    assert.equal(refusal(transition(state('completed', ['s1'], 3), bounce(), now)).code, 'nothing_to_do');
  });
});

describe('transition: no event sets a paused, stopped or completed enrollment running, except a rep resume', () => {
  const events: EnrollmentEvent[] = [
    { kind: 'step_passed', stepId: 's9', nextStepAt: later },
    { kind: 'step_deferred', stepId: 's9', until: later },
    { kind: 'paused', reason: 'r', replyId: 'r' },
    { kind: 'rescheduled', reason: 'r', replyId: 'r', nextStepAt: later },
    { kind: 'stopped', cause: 'reply', reason: 'r' },
    { kind: 'completed' },
    { kind: 'soft_bounced', stepId: 's1', replyId: 'r', limit: 3 },
    { kind: 'soft_bounced', stepId: 's1', replyId: 'r', limit: 0 },
  ];
  for (const status of ['paused', 'stopped', 'completed'] as const) {
    it(`from ${status}`, () => {
      for (const event of events) {
        const result = transition(state(status, ['s1']), event, now);
        if (result.ok) assert.notEqual(result.change.set.status, 'active', `${event.kind} set a ${status} enrollment active`);
      }
    });
  }
});

describe('transition: a step held while the contact is in a conversation', () => {
  const held = { kind: 'step_held', stepId: 's2', taskId: 'reply:mid:<q@x>', until: later } as const;

  it('moves only a running enrollment on to the recheck time, guarded by the step, and keeps when the hold began', () => {
    const first = change(transition(state('active'), held, now));
    assert.deepEqual(first.from, ['active']);
    assert.deepEqual(first.step, { id: 's2', passed: false });
    assert.deepEqual(first.set, { nextStepAt: later, held: { stepId: 's2', since: now, taskId: held.taskId } });
    const earlier = new Date('2026-03-01T08:00:00Z');
    const again = change(transition({ ...state('active'), held: { stepId: 's2', since: earlier, taskId: 'x' } }, held, now));
    assert.equal(again.set.held?.since, earlier);
    assert.equal(refusal(transition(state('paused'), held, now)).code, 'illegal_state');
    assert.equal(refusal(transition(state('active', ['s1', 's2']), held, now)).code, 'already_passed');
  });

  it('a release makes only a step still held due now', () => {
    const holding = { ...state('active'), held: { stepId: 's2', since: now, taskId: 't' } };
    const released = change(transition(holding, { kind: 'hold_released', stepId: 's2' }, later));
    assert.deepEqual([released.from, released.step, released.set], [['active'], { id: 's2', passed: false }, { nextStepAt: later }]);
    assert.equal(
      refusal(transition({ ...holding, passedStepIds: ['s1', 's2'] }, { kind: 'hold_released', stepId: 's2' }, later)).code,
      'nothing_to_do',
    );
    assert.equal(refusal(transition(state('active'), { kind: 'hold_released', stepId: 's2' }, later)).code, 'nothing_to_do');
    assert.equal(
      refusal(transition({ ...holding, status: 'stopped' }, { kind: 'hold_released', stepId: 's2' }, later)).code,
      'illegal_state',
    );
  });
});
