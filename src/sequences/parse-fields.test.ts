import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { assertOneProblem, HEAD, ONE_STEP, sequenceOf } from './testing.ts';

// Line numbers below count from HEAD's three lines: the field under test is on line 4.
describe('sequence fields beyond the steps', () => {
  it('reads owner, reply_to, audience, policy, opt_out, html, outcomes and lint', () => {
    const sequence = sequenceOf(`id: demo
name: Demo
owner: Dana@Parley.Example
sender: { name: Dana, address: dana@parley.example, reply_to: Replies@Parley.Example }
audience: { manual: false, segment: trial-started }
policy:
  timezone: Europe/Berlin
  send_days: [fri, mon]
  send_hours: { start: "08:30", end: "18:00" }
  max_per_contact_30d: 4
  mailbox_caps: { per_hour: 20 }
opt_out: { sentence: "  Reply stop to stop.  ", list_unsubscribe: true }
html: true
outcomes:
  interested: route_to_owner
  not_now: { action: resume_after, after: 30 days, at_most: 180 days }
  wrong_person: { action: move_to, sequence: referral-intro }
lint: { one-question: warn, plain-text: off }
steps:
  - id: a
    subject: s
    body: hi
    outcomes: { interested: mark_qualified, unclear: { action: resume_after, after: 2 working days } }
`);
    assert.equal(sequence.owner, 'dana@parley.example');
    assert.equal(sequence.sender.replyTo, 'replies@parley.example');
    assert.deepEqual(sequence.audience, { manual: false, segment: 'trial-started', reenter: false, onExit: 'stay' });
    assert.deepEqual(sequence.policy, {
      timezone: 'Europe/Berlin',
      sendDays: ['mon', 'fri'],
      sendHours: { startMinute: 510, endMinute: 1080 },
      maxPerContact30d: 4,
      mailboxCaps: { perDay: 200, perHour: 20 },
    });
    assert.deepEqual(sequence.optOut, { sentence: 'Reply stop to stop.', listUnsubscribe: true });
    assert.equal(sequence.html, true);
    assert.deepEqual(sequence.outcomes, {
      interested: { action: 'route_to_owner' },
      not_now: {
        action: 'resume_after',
        wait: { kind: 'duration', ms: 30 * 86_400_000 },
        atMost: { kind: 'duration', ms: 180 * 86_400_000 },
      },
      wrong_person: { action: 'move_to', sequenceId: 'referral-intro' },
    });
    assert.deepEqual(sequence.steps[0]?.outcomes, {
      interested: { action: 'mark_qualified' },
      unclear: { action: 'resume_after', wait: { kind: 'business_days', days: 2 } },
    });
    assert.deepEqual(sequence.lint, { 'one-question': 'warn', 'plain-text': 'off' });
  });

  it('keeps an empty opt-out sentence: it turns the sentence off', () => {
    assert.equal(sequenceOf(`${HEAD}opt_out: { sentence: "" }\n${ONE_STEP}`).optOut.sentence, '');
  });

  const cases: Array<[string, string, { line: number; column: number; field: string; message: RegExp }]> = [
    [
      'a zone that is not IANA',
      'policy: { timezone: Mars/Olympus }',
      { line: 4, column: 21, field: 'policy.timezone', message: /IANA time zone/ },
    ],
    [
      'a window that ends before it starts',
      'policy: { send_hours: { start: "17:00", end: "09:00" } }',
      { line: 4, column: 23, field: 'policy.send_hours', message: /end must be after start/ },
    ],
    [
      'a time that is not HH:MM',
      'policy: { send_hours: { start: 9am } }',
      { line: 4, column: 32, field: 'policy.send_hours.start', message: /24-hour time like "09:00"/ },
    ],
    [
      'a day that is not a weekday',
      'policy: { send_days: [mon, funday] }',
      { line: 4, column: 28, field: 'policy.send_days[1]', message: /expected a day: mon, tue/ },
    ],
    [
      'a cap of zero',
      'policy: { max_per_contact_30d: 0 }',
      { line: 4, column: 32, field: 'policy.max_per_contact_30d', message: /1 or more/ },
    ],
    ['an audience nobody can join', 'audience: { manual: false }', { line: 4, column: 11, field: 'audience', message: /name a segment/ }],
    [
      'a segment that is not a slug',
      'audience: { segment: Trial Started }',
      { line: 4, column: 22, field: 'audience.segment', message: /lower-case/ },
    ],
    ['a reply_to that is not an email', 'owner: dana', { line: 4, column: 8, field: 'owner', message: /email address/ }],
    [
      'an outcome for unsubscribe',
      'outcomes: { unsubscribe: route_to_owner }',
      {
        line: 4,
        column: 26,
        field: 'outcomes.unsubscribe',
        message: /always stops the sequence and suppresses the contact, whatever the file says/,
      },
    ],
    ['an outcome for bounces', 'outcomes: { bounce: stop }', { line: 4, column: 21, field: 'outcomes.bounce', message: /always stops/ }],
    [
      'an outcome for out-of-office',
      'outcomes: { out_of_office: stop }',
      { line: 4, column: 28, field: 'outcomes.out_of_office', message: /resumes it after the return date/ },
    ],
    [
      'a calendar link that is not https',
      'calendar_link: http://cal.example.com/dana',
      { line: 4, column: 16, field: 'calendar_link', message: /https:\/\/ link to a booking page/ },
    ],
    [
      'an at_most that is no duration',
      'outcomes: { not_now: { action: resume_after, after: 30 days, at_most: soon } }',
      { line: 4, column: 71, field: 'outcomes.not_now.at_most', message: /duration/ },
    ],
    [
      'an intent Parley does not know',
      'outcomes: { angry: stop }',
      {
        line: 4,
        column: 13,
        field: 'outcomes.angry',
        message: /unknown field 'angry'; allowed: interested, meeting_request, question, not_now, not_interested, wrong_person, unclear$/,
      },
    ],
    [
      'an unknown action in object form',
      'outcomes: { interested: { action: call } }',
      { line: 4, column: 35, field: 'outcomes.interested.action', message: /unknown action; use one of pause_and_task, stop/ },
    ],
    [
      'an unknown action',
      'outcomes: { interested: call_them }',
      { line: 4, column: 25, field: 'outcomes.interested', message: /unknown action 'call_them'; use one of pause_and_task, stop/ },
    ],
    [
      'resume_after without after',
      'outcomes: { not_now: resume_after }',
      { line: 4, column: 22, field: 'outcomes.not_now.after', message: /missing required field 'after': expected a duration/ },
    ],
    [
      'a bad resume_after wait',
      'outcomes: { not_now: { action: resume_after, after: soon } }',
      { line: 4, column: 53, field: 'outcomes.not_now.after', message: /can't read "soon" as a duration/ },
    ],
    [
      'move_to without a sequence',
      'outcomes: { wrong_person: { action: move_to } }',
      { line: 4, column: 27, field: 'outcomes.wrong_person.sequence', message: /missing required field 'sequence'/ },
    ],
    [
      'a field an action does not take',
      'outcomes: { interested: { action: stop, after: 3 days } }',
      { line: 4, column: 41, field: 'outcomes.interested.after', message: /unknown field 'after'; allowed: action$/ },
    ],
    [
      'a lint level that does not exist',
      'lint: { one-question: loud }',
      { line: 4, column: 23, field: 'lint.one-question', message: /expected off, warn, error/ },
    ],
    [
      'a lint rule that does not exist',
      'lint: { one-questions: warn }',
      { line: 4, column: 9, field: 'lint.one-questions', message: /unknown field 'one-questions'; allowed: one-question, plain-text/ },
    ],
  ];
  for (const [what, line, expected] of cases) {
    it(`rejects ${what}`, () => assertOneProblem(`${HEAD}${line}\n${ONE_STEP}`, expected));
  }
});

describe('step fields', () => {
  const withStep = (fields: string) => `${HEAD}steps:\n  - id: a\n    subject: s\n    body: hi\n${fields}`;

  it('reads wait: 0 and working days', () => {
    const sequence = sequenceOf(withStep('  - id: b\n    wait: 0\n    body: x\n  - id: c\n    wait: 1 working day\n    body: y\n'));
    assert.deepEqual(
      sequence.steps.map((s) => s.wait),
      [
        { kind: 'duration', ms: 0 },
        { kind: 'duration', ms: 0 },
        { kind: 'business_days', days: 1 },
      ],
    );
  });

  it('rejects part of a business day', () => {
    assertOneProblem(withStep('  - id: b\n    wait: 1.5 business days\n    body: x\n'), {
      line: 9,
      column: 11,
      field: 'steps[1].wait',
      message: /whole number/,
    });
  });

  it('rejects an unknown qualification', () => {
    assertOneProblem(withStep('  - id: b\n    asks: shoe_size\n    body: x\n'), {
      line: 9,
      column: 11,
      field: 'steps[1].asks',
      message: /expected one of main_goal, team_size/,
    });
  });

  it('checks step outcomes like sequence outcomes', () => {
    assertOneProblem(withStep('  - id: b\n    body: x\n    outcomes: { bounce: stop }\n'), {
      line: 10,
      column: 25,
      field: 'steps[1].outcomes.bounce',
      message: /always stops/,
    });
  });
});
