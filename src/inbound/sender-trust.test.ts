import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { SenderAuthentication } from '../db/index.ts';
import type { OutcomePlan } from './apply-outcome.ts';
import { holdForPerson, normaliseAddress, SENDER_REVIEW, senderConcernFor, weighSender } from './sender-trust.ts';

const unknown: SenderAuthentication = { verdict: 'unknown', dkim: [] };
const failed: SenderAuthentication = {
  verdict: 'fail',
  authservId: 'mx.parley.test',
  dmarc: { result: 'fail', domain: 'lead.example' },
  dkim: [],
};
const contact = ['lee@lead.example', 'lee@lead.example'];

describe('who may act for a contact', () => {
  it('normalises addresses without folding what only the receiving host knows', () => {
    assert.equal(normaliseAddress('  Lee@Lead.Example. '), 'lee@lead.example');
    assert.equal(normaliseAddress('lee@bücher.example'), 'lee@xn--bcher-kva.example');
    assert.equal(normaliseAddress('lee+news@lead.example'), 'lee+news@lead.example');
    assert.equal(normaliseAddress('no-at-sign'), undefined);
    assert.equal(normaliseAddress('@lead.example'), undefined);
  });

  it("lets the contact's own address act, in any case", () => {
    assert.equal(weighSender({ fromAddresses: ['LEE@lead.example'], contactAddresses: contact, authentication: unknown }), undefined);
    assert.equal(
      weighSender({ fromAddresses: ['lee@lead.example'], contactAddresses: contact, authentication: { ...unknown, verdict: 'pass' } }),
      undefined,
    );
  });

  it('holds a stranger, a look-alike, and a From that lists the contact among others', () => {
    for (const from of [
      ['boss@lead.example'],
      ['lee@lead.example.evil.example'],
      ['lee+x@lead.example'],
      ['lee@lead.example', 'prank@stranger.example'],
      [],
    ]) {
      const concern = weighSender({ fromAddresses: from, contactAddresses: contact, authentication: unknown });
      assert.equal(concern?.reason, 'not_the_contact', from.join());
    }
    assert.equal(
      weighSender({ fromAddresses: ['boss@lead.example'], contactAddresses: contact, authentication: unknown })?.note,
      "sender does not match the contact: boss@lead.example wrote about lee@lead.example's conversation",
    );
  });

  it("holds the contact's own address when the trusted server's DMARC check failed", () => {
    const concern = weighSender({ fromAddresses: ['lee@lead.example'], contactAddresses: contact, authentication: failed });
    assert.equal(concern?.reason, 'dmarc_fail');
    assert.match(concern?.note ?? '', /DMARC failed at mx\.parley\.test/);
  });

  it('leaves delivery reports to their own rule (the returned Message-ID)', () => {
    const input = { fromAddresses: ['mailer-daemon@mx.lead.example'], contactAddresses: contact, authentication: unknown };
    assert.equal(senderConcernFor({ ...input, matchedBy: 'bounce' }), undefined);
    assert.equal(senderConcernFor({ ...input, matchedBy: 'thread' })?.reason, 'not_the_contact');
  });
});

describe('a held plan', () => {
  const base: OutcomePlan = {
    action: 'x',
    enrollment: undefined,
    suppress: undefined,
    softBounce: false,
    qualify: false,
    moveTo: undefined,
    task: undefined,
  };

  it('changes nothing and asks a person, whatever the reply would have done', () => {
    const plans: OutcomePlan[] = [
      { ...base, action: 'suppressed', suppress: 'unsubscribe' },
      { ...base, action: 'stop', enrollment: { kind: 'stopped', cause: 'reply', reason: 'reply: not_interested' } },
      { ...base, action: 'pause_and_task', enrollment: { kind: 'paused', reason: 'reply: interested' }, task: { assignee: undefined } },
      { ...base, action: 'resume_after', enrollment: { kind: 'rescheduled', reason: 'ooo', nextStepAt: new Date() } },
      { ...base, action: 'mark_qualified', qualify: true, task: { assignee: 'owner@parley.test' } },
      { ...base, action: 'soft_bounce', softBounce: true },
    ];
    for (const plan of plans) {
      const held = holdForPerson(plan);
      assert.deepEqual(
        [held.action, held.enrollment, held.suppress, held.softBounce, held.qualify, held.moveTo],
        [SENDER_REVIEW, undefined, undefined, false, false, undefined],
        plan.action,
      );
      assert.deepEqual(held.task, { assignee: plan.task?.assignee });
    }
  });

  it('leaves a plan that does nothing (an automatic answer) as it is', () => {
    const none = { ...base, action: 'none' };
    assert.equal(holdForPerson(none), none);
  });
});
