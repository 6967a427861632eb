import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { messageIdDomainFor, parseStepMessageId, stepMessageId } from './message-id.ts';

describe('step Message-IDs', () => {
  it('names the enrollment and step it was made from', () => {
    const enrollmentId = randomUUID();
    assert.deepEqual(parseStepMessageId(stepMessageId(enrollmentId, 'nudge-2', 'mail.example.com')), { enrollmentId, stepId: 'nudge-2' });
    assert.deepEqual(parseStepMessageId(` <${enrollmentId.toUpperCase()}.hello@parley.test> `), { enrollmentId, stepId: 'hello' });
  });

  it('is undefined for anyone else’s Message-ID', () => {
    for (const other of [
      '<CAF=+abc.def@mail.gmail.com>',
      `<${randomUUID()}@outlook.com>`,
      '<not-a-uuid.hello@parley.test>',
      `${randomUUID()}.hello@parley.test`,
      `<${randomUUID()}.hello@a@b>`,
      '',
    ]) {
      assert.equal(parseStepMessageId(other), undefined, other);
    }
  });
});

describe('messageIdDomainFor', () => {
  it('takes MESSAGE_ID_DOMAIN when set, else the sending address’s own domain, never a made-up one', () => {
    assert.equal(messageIdDomainFor('mail.example.com', 'marco@example.com'), 'mail.example.com');
    assert.equal(messageIdDomainFor(undefined, 'Marco@Example.COM'), 'example.com');
    assert.equal(messageIdDomainFor('', 'dana@parley.test'), 'parley.test');
  });
});
