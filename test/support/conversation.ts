import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { enrollContacts } from '../../src/enrollments/index.ts';
import type { Sequence } from '../../src/sequences/index.ts';
import type { Worker } from '../../src/worker.ts';
import { replyMessage } from './mail.ts';
import { BOUNCE_FIXTURES } from './real-mail.ts';
import { eventually, type TestServices } from './services.ts';

/**
 * A lead's side of a conversation with a running worker, through the real servers: step 1 reaches
 * the SMTP sink, and what the lead (or their mail server) sends back lands in the Dovecot mailbox.
 * Getters, since tests start the servers and the worker in `beforeAll`.
 */
export function leadSide(of: { services: () => TestServices; worker: () => Worker; sequence: () => Sequence }) {
  /** Enrolls a lead and waits for step 1 to reach the SMTP sink and be recorded; returns what was sent. */
  async function firstEmailTo(email: string, firstName = 'Lee') {
    const { database } = of.worker();
    await enrollContacts(database, of.sequence(), [{ email, firstName }]);
    const sent = await eventually(`step 1 to ${email}`, async () => of.services().sink.received.find((m) => m.envelopeTo[0] === email));
    // The sink has it a moment before the worker records the send: wait for the record too.
    const enrollment = await eventually(`step 1 recorded for ${email}`, async () => {
      const e = await database.enrollments.findOne({ email });
      return e?.passedStepIds.includes('hello') ? e : undefined;
    });
    return { sent, enrollment, messageId: sent.parsed.messageId ?? '' };
  }

  /** The lead's answer in the thread of `lead`'s first email. */
  const replyTo = (lead: { messageId: string }, from: string, messageId: string, body: string, extraHeaders: Record<string, string> = {}) =>
    of.services().mailbox.deliver(
      replyMessage({
        from,
        to: 'dana@parley.test',
        subject: 'Re: Quick question about your team',
        messageId,
        inReplyTo: lead.messageId,
        references: [lead.messageId],
        body,
        extraHeaders,
      }),
    );

  /** Waits until the worker has handled the message with this Message-ID; returns its stored reply. */
  const handled = (messageId: string) =>
    eventually(`reply ${messageId} handled`, async () => {
      const reply = await of.worker().database.replies.findOne({ messageId });
      return reply && reply.state !== 'received' ? reply : undefined;
    });

  /** A bounce fixture (test/fixtures/bounces) made to return `lead`'s first email, under a Message-ID of its own. */
  async function bounceReturning(lead: { messageId: string }, fixtureName: string, messageId: string): Promise<string> {
    const fixture = await readFile(join(BOUNCE_FIXTURES, fixtureName), 'utf8');
    const returned = fixture
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n\n');
    const originalId = /^Message-ID:\s*(<[^>]+>)/im.exec(returned)?.[1];
    assert.ok(originalId, `${fixtureName} returns the original message`);
    return fixture.replaceAll(originalId, lead.messageId).replace(/^Message-ID:.*$/im, `Message-ID: ${messageId}`);
  }

  return { firstEmailTo, replyTo, handled, bounceReturning };
}
