import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { ReplyAnalysis } from '../classify/index.ts';
import type { OutcomePlan } from './apply-outcome.ts';
import { referralPlan, referredPerson } from './referral.ts';
import { triageSender } from './triage-rule.ts';
import { parseSequence, type Sequence } from '../sequences/index.ts';

describe('the referred person', () => {
  it('keeps the name, the address (lower-cased) and the role the reply gives', () => {
    const cases: Array<[string, { name: string; email: string }, string | undefined]> = [
      [
        'Please talk to Priya Shah (priya@lead.example), she runs our sales operations.',
        { name: 'Priya Shah', email: 'priya@lead.example' },
        'runs our sales operations',
      ],
      [
        'Please talk to Priya Raman (Priya.R@other.example), our head of operations.',
        { name: 'Priya Raman', email: 'Priya.R@other.example' },
        'head of operations',
      ],
      ['You want Sam Lee (sam@x.example, VP Sales) for this.', { name: 'Sam Lee', email: 'sam@x.example' }, 'VP Sales'],
      ['Please talk to Sam (sam@x.example).', { name: 'Sam', email: 'sam@x.example' }, undefined],
    ];
    for (const [text, named, role] of cases) {
      const person = referredPerson(named, text);
      assert.equal(person?.email, named.email.toLowerCase(), text);
      assert.equal(person?.name, named.name, text);
      assert.equal(person?.role, role, text);
    }
    assert.equal(referredPerson(undefined, 'anything'), undefined);
  });
});

const plan = (over: Partial<OutcomePlan> = {}): OutcomePlan => ({
  action: 'pause_and_task',
  enrollment: { kind: 'paused', reason: 'reply: wrong_person' },
  suppress: undefined,
  softBounce: false,
  qualify: false,
  moveTo: undefined,
  task: { assignee: undefined },
  ...over,
});

function sequence(referral: string): Sequence {
  const result = parseSequence(
    `id: demo\nname: Demo\nsender: { name: Dana, address: dana@parley.example }\n${referral}steps:\n  - id: a\n    subject: s\n    body: hi\n`,
    'demo.yaml',
  );
  assert.ok(result.ok);
  return result.sequence;
}

describe('referralPlan', () => {
  const intro = sequence('');
  const getSequence = (id: string) => (id === 'intro' ? intro : undefined);
  const person = { name: 'Priya', email: 'priya@x.example' };

  it('enrolls the referred person and stops the referrer, with no task; or hands both to the owner and pauses', () => {
    const enroll = referralPlan({
      decided: plan(),
      rule: sequence('referral: { action: enroll_referred, sequence: intro }\n').referral,
      person,
      owner: 'o@x',
      getSequence,
    });
    assert.equal(enroll.enrollInto, intro);
    assert.deepEqual([enroll.plan.action, enroll.plan.enrollment?.kind, enroll.plan.task], ['enroll_referred', 'stopped', undefined]);
    const hand = referralPlan({ decided: plan(), rule: sequence('referral: hand_to_rep\n').referral, person, owner: 'o@x', getSequence });
    assert.deepEqual(
      [hand.enrollInto, hand.plan.action, hand.plan.enrollment?.kind, hand.plan.task?.assignee],
      [undefined, 'referral_to_rep', 'paused', 'o@x'],
    );
  });

  it('changes nothing without a rule, without an address, or for an opt-out', () => {
    const rule = sequence('referral: { action: enroll_referred, sequence: intro }\n').referral;
    const decided = plan();
    assert.equal(referralPlan({ decided, rule: undefined, person, owner: undefined, getSequence }).plan, decided);
    assert.equal(referralPlan({ decided, rule, person: { name: 'Priya' }, owner: undefined, getSequence }).plan, decided);
    const optOut = plan({ action: 'suppressed', suppress: 'unsubscribe' });
    assert.equal(referralPlan({ decided: optOut, rule, person, owner: undefined, getSequence }).plan, optOut);
  });
});

describe('triageSender', () => {
  const analysis = (over: Partial<ReplyAnalysis> = {}): ReplyAnalysis => ({
    visibleText: 'Can we meet?',
    automatic: { isAutomatic: false, evidence: [] },
    bounce: undefined,
    returnDate: undefined,
    namedDate: undefined,
    alternateContact: undefined,
    referral: undefined,
    objection: undefined,
    classification: { intent: 'meeting_request', confidence: 0.9, explanation: '' },
    qualification: {},
    answer: undefined,
    byPerson: true,
    ...over,
  });
  const from = (addresses: string[], headers: Record<string, string> = {}) => ({ fromAddresses: addresses, headers });

  it("is the sender's normalised address for a person's mail", () => {
    assert.equal(triageSender(from(['Priya@Lead.Example']), analysis()), 'priya@lead.example');
  });

  it('is nobody for automatic mail, list mail, several authors', () => {
    assert.equal(triageSender(from(['a@x.example']), analysis({ automatic: { isAutomatic: true, evidence: ['x'] } })), undefined);
    assert.equal(triageSender(from(['a@x.example'], { 'auto-submitted': 'auto-generated' }), analysis()), undefined);
    assert.equal(triageSender(from(['a@x.example'], { 'auto-submitted': 'no (a person)' }), analysis()), 'a@x.example');
    assert.equal(triageSender(from(['a@x.example'], { 'list-id': '<l.x.example>' }), analysis()), undefined);
    assert.equal(triageSender(from(['a@x.example', 'b@x.example']), analysis()), undefined);
    assert.equal(triageSender(from([]), analysis()), undefined);
  });
});
