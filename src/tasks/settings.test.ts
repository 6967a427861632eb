import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { loadConfig, parseTargetMinutes } from '../config.ts';
import { isParleyError } from '../errors.ts';
import { replySubject } from './answer.ts';
import { DEFAULT_TASK_SETTINGS, taskDueAt } from './settings.ts';

const created = new Date('2026-03-02T09:00:00Z');
const minutesAfter = (d: Date) => (d.getTime() - created.getTime()) / 60_000;

describe('task due times', () => {
  it('uses the documented response-time targets per priority', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((p) => minutesAfter(taskDueAt(p, created))),
      [5, 30, 120, 480, 1440],
    );
    assert.equal(minutesAfter(taskDueAt(9, created)), 1440);
  });

  it('reads TASK_TARGET_MINUTES over the defaults and the claim duration in minutes', () => {
    const config = loadConfig({ TASK_TARGET_MINUTES: '1:2, 2:10', TASK_CLAIM_MINUTES: '5' });
    assert.equal(minutesAfter(taskDueAt(1, created, config.tasks.targetMinutes)), 2);
    assert.equal(minutesAfter(taskDueAt(4, created, config.tasks.targetMinutes)), 480);
    assert.equal(config.tasks.claimMs, 5 * 60_000);
    assert.deepEqual(loadConfig({}).tasks, DEFAULT_TASK_SETTINGS);
  });

  it('refuses malformed targets', () => {
    for (const bad of ['1=5', '1:0', 'one:5', '1:5,']) assert.equal(parseTargetMinutes(bad), undefined, bad);
    assert.throws(
      () => loadConfig({ TASK_TARGET_MINUTES: '1=5' }),
      (e: unknown) => isParleyError(e, 'CONFIG_INVALID') && /TASK_TARGET_MINUTES/.test(e.message),
    );
  });
});

describe('replySubject', () => {
  it('writes one Re: whatever prefixes the reply carried', () => {
    assert.equal(replySubject('RE: Re: Quick question'), 'Re: Quick question');
    assert.equal(replySubject('AW: Quick question'), 'Re: Quick question');
    assert.equal(replySubject('Quick question'), 'Re: Quick question');
  });
});
