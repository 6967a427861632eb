import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mailboxClient } from '../src/embedded/index.ts';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { MailboxPoller, PROCESSED_KEYWORD, QUARANTINED_KEYWORD, ReplyHandler, type PollResult } from '../src/inbound/index.ts';
import { silentLogger } from '../src/logger.ts';
import { createSmtpTransport, type MailTransport } from '../src/sending/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import type { Config } from '../src/config.ts';
import { replyMessage } from './support/mail.ts';
import { testSender } from './support/sender.ts';
import { quickFollowUp } from './support/sequences.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';

// The inbound path against a real Dovecot and FerretDB (or MONGODB_URL): poll, parse, match,
// pause, classify, queue a task; and the poller's invariants.
describe('replies from the IMAP mailbox', () => {
  let services: TestServices;
  let config: Config;
  let db: Database;
  let transport: MailTransport;
  let sequence: Sequence;
  let poller: MailboxPoller;
  const polls: PollResult[] = [];

  /** Sends step 1 to a new contact for real and returns its enrollment id and Message-ID. */
  async function startConversation(email: string) {
    const [outcome] = await enrollContacts(db, sequence, [{ email, firstName: 'Lee' }]);
    assert.equal(outcome?.outcome, 'enrolled');
    const sender = testSender({ db, transport, sequence: () => sequence });
    await sender.runOnce();
    const delivery = await db.deliveries.findOne({ enrollmentId: outcome.enrollmentId, state: 'sent' });
    assert.ok(delivery);
    return { enrollmentId: outcome.enrollmentId, messageId: delivery.messageId, subject: delivery.subject };
  }

  const processedReply = (messageId: string) =>
    eventually(`reply ${messageId} handled`, async () => {
      const reply = await db.replies.findOne({ messageId });
      return reply && reply.state !== 'received' ? reply : undefined;
    });

  beforeAll(async () => {
    services = await startTestServices();
    config = services.config({ IMAP_MAX_MESSAGE_BYTES: '200000' });
    db = await connectDatabase(services.mongoUrl, config.mongo.database);
    transport = createSmtpTransport(config.smtp);
    sequence = await quickFollowUp();
    const handler = new ReplyHandler({
      db,
      logger: silentLogger(),
      ownAddresses: () => new Set([sequence.sender.address]),
      getSequence: (id) => (id === sequence.id ? sequence : undefined),
    });
    poller = new MailboxPoller({
      imap: config.imap,
      db,
      handle: (source, origin) => handler.handle(source, origin),
      logger: silentLogger(),
      onPoll: (result) => polls.push(result),
    });
    await poller.start();
  });
  afterAll(async () => {
    await poller?.stop();
    transport?.close();
    await db?.close();
    await services?.stop();
  });

  it('matches a reply by its thread headers, pauses the enrollment and queues a task', async () => {
    const lead = await startConversation('pat@lead.example');
    const messageId = '<answer-1@lead.example>';
    await services.mailbox.deliver(
      replyMessage({
        from: 'Pat Lead <pat@lead.example>',
        to: 'dana@parley.test',
        subject: `Re: ${lead.subject}`,
        messageId,
        inReplyTo: lead.messageId,
        references: [lead.messageId],
        body: `Yes, this sounds interesting. Can you send me pricing for a team of 12 and set up a demo?\n\nOn Mon, 2 Mar 2026 at 09:00, Dana <dana@parley.test> wrote:\n> What made you look for a new way to talk to your customers?`,
      }),
    );
    const reply = await processedReply(messageId);
    assert.equal(reply.state, 'processed');
    assert.equal(reply.enrollmentId, lead.enrollmentId);
    assert.equal(reply.matchedBy, 'thread');
    assert.doesNotMatch(reply.visibleText, /wrote:|What made you look/);
    assert.match(reply.visibleText, /pricing for a team of 12/);
    assert.ok(reply.intent === 'interested' || reply.intent === 'question', `intent ${reply.intent}`);
    const enrollment = await db.enrollments.findOne({ _id: lead.enrollmentId });
    assert.equal(enrollment?.status, 'paused');
    assert.equal(enrollment?.statusReplyId, reply._id);
    const task = await db.tasks.findOne({ replyId: reply._id });
    assert.equal(task?.status, 'open');
    assert.equal(task?.enrollmentId, lead.enrollmentId);
    assert.ok(task && task.priority <= 2, `priority ${task?.priority}`);
  });

  it('falls back to the sender address when the client dropped the thread headers', async () => {
    const lead = await startConversation('sam@lead.example');
    const messageId = '<answer-2@lead.example>';
    await services.mailbox.deliver(
      replyMessage({
        from: 'sam@lead.example',
        to: 'dana@parley.test',
        subject: 'about your email',
        messageId,
        body: 'Not right now, maybe next quarter.',
      }),
    );
    const reply = await processedReply(messageId);
    assert.equal(reply.matchedBy, 'sender');
    assert.equal(reply.enrollmentId, lead.enrollmentId);
    assert.equal((await db.enrollments.findOne({ _id: lead.enrollmentId }))?.status, 'paused');
  });

  it('stops the enrollment and suppresses the contact on an unsubscribe', async () => {
    const lead = await startConversation('stop@lead.example');
    const messageId = '<answer-3@lead.example>';
    await services.mailbox.deliver(
      replyMessage({
        from: 'stop@lead.example',
        to: 'dana@parley.test',
        subject: `Re: ${lead.subject}`,
        messageId,
        inReplyTo: lead.messageId,
        body: 'Please remove me from your list.',
      }),
    );
    const reply = await processedReply(messageId);
    assert.equal(reply.intent, 'unsubscribe');
    const enrollment = await db.enrollments.findOne({ _id: lead.enrollmentId });
    assert.equal(enrollment?.status, 'stopped');
    assert.equal((await db.contacts.findOne({ email: 'stop@lead.example' }))?.suppressed?.reason, 'unsubscribe');
    assert.equal(await db.tasks.countDocuments({ replyId: reply._id }), 0, 'an unsubscribe needs no person');
  });

  it('handles a reply once, even when the same message is fetched again', async () => {
    const lead = await startConversation('twice@lead.example');
    const raw = replyMessage({
      from: 'twice@lead.example',
      to: 'dana@parley.test',
      subject: `Re: ${lead.subject}`,
      messageId: '<answer-4@lead.example>',
      inReplyTo: lead.messageId,
      body: 'What does it cost per seat?',
    });
    await services.mailbox.deliver(raw);
    const reply = await processedReply('<answer-4@lead.example>');
    // The same message delivered again (a new UID), then the cursor lost (a UIDVALIDITY reset):
    // every message in the mailbox is fetched again.
    const pollsBeforeCopy = polls.length;
    await services.mailbox.deliver(raw);
    // The copy's poll first: its cursor write would otherwise overwrite the reset below.
    await eventually('the copy polled', async () => (polls.slice(pollsBeforeCopy).some((p) => p.fetched >= 1) ? true : undefined));
    await db.mailboxCursors.updateMany({}, { $set: { uidValidity: 'reset-by-test' } });
    const pollsBefore = polls.length;
    await eventually('a full rescan', async () => (polls.slice(pollsBefore).some((p) => p.fetched >= 5) ? true : undefined));
    assert.equal(await db.replies.countDocuments({ messageId: '<answer-4@lead.example>' }), 1);
    assert.equal(await db.tasks.countDocuments({ replyId: reply._id }), 1);
  });

  it("handles a burst a few at a time, and one sender's replies in the order they came", async () => {
    const lead = await startConversation('burst@lead.example');
    const others = [];
    for (let i = 0; i < 5; i += 1) others.push(await startConversation(`burst-${i}@lead.example`));
    // Delivered while the poller is stopped, so one poll finds them all.
    await poller.stop();
    const reply = (from: string, to: { messageId: string; subject: string }, messageId: string, body: string) =>
      replyMessage({
        from,
        to: 'dana@parley.test',
        subject: `Re: ${to.subject}`,
        messageId,
        inReplyTo: to.messageId,
        references: [to.messageId],
        body,
      });
    // Both of one sender's replies first, so they fall in one batch of handled-at-once messages.
    await services.mailbox.deliver(
      reply('burst@lead.example', lead, '<burst-first@lead.example>', 'Sounds interesting, could we talk on Thursday?'),
    );
    await services.mailbox.deliver(
      reply('burst@lead.example', lead, '<burst-second@lead.example>', 'Actually, please unsubscribe me and remove me from your list.'),
    );
    for (const [i, other] of others.entries()) {
      await services.mailbox.deliver(
        reply(`burst-${i}@lead.example`, other, `<burst-other-${i}@lead.example>`, 'Interesting. What does it cost for a team of 10?'),
      );
    }
    const pollsBefore = polls.length;
    await poller.start();

    const first = await processedReply('<burst-first@lead.example>');
    const second = await processedReply('<burst-second@lead.example>');
    for (let i = 0; i < others.length; i += 1) assert.equal((await processedReply(`<burst-other-${i}@lead.example>`)).state, 'processed');
    // The poll reports after its last cursor write, which may come after the replies read as processed.
    await eventually('one poll found the whole burst', async () =>
      polls.slice(pollsBefore).some((p) => p.fetched >= 7) ? true : undefined,
    );
    // The same sender's second reply waited for the first: it was taken up after the first was done.
    assert.ok(
      first.processedAt && first.processedAt <= second.receivedAt,
      `first done ${first.processedAt?.toISOString()}, second taken ${second.receivedAt.toISOString()}`,
    );
    assert.equal(second.intent, 'unsubscribe');
    assert.equal((await db.enrollments.findOne({ _id: lead.enrollmentId }))?.status, 'stopped');
    assert.equal((await db.contacts.findOne({ email: 'burst@lead.example' }))?.suppressed?.reason, 'unsubscribe');
    for (const other of others) assert.equal((await db.enrollments.findOne({ _id: other.enrollmentId }))?.status, 'paused');
  });

  it('quarantines a malformed or oversized message with its reason and goes on', async () => {
    const lead = await startConversation('after@lead.example');
    await services.mailbox.deliver('This is not an email at all, just some bytes\r\n\r\nwithout headers\r\n');
    await services.mailbox.deliver(
      replyMessage({ from: 'huge@lead.example', to: 'dana@parley.test', subject: 'big', body: 'x'.repeat(250_000) }),
    );
    await services.mailbox.deliver(
      replyMessage({
        from: 'after@lead.example',
        to: 'dana@parley.test',
        subject: `Re: ${lead.subject}`,
        messageId: '<answer-5@lead.example>',
        inReplyTo: lead.messageId,
        body: 'Who else uses this?',
      }),
    );
    const reply = await processedReply('<answer-5@lead.example>');
    assert.equal(reply.enrollmentId, lead.enrollmentId);
    const quarantined = await db.quarantine.find({}).sort({ uid: 1 }).toArray();
    assert.deepEqual(
      quarantined.map((q) => q.code),
      ['MESSAGE_MALFORMED', 'MESSAGE_TOO_LARGE'],
    );
    assert.match(quarantined[0]?.reason ?? '', /no sender address/);
    assert.match(quarantined[1]?.reason ?? '', /IMAP_MAX_MESSAGE_BYTES/);
  });

  it('ignores its own sent copies and never marks mail \\Seen', async () => {
    await services.mailbox.deliver(
      replyMessage({
        from: 'Dana <dana@parley.test>',
        to: 'someone@lead.example',
        subject: 'Quick question',
        messageId: '<copy@parley.test>',
        body: 'Our own copy.',
      }),
    );
    const marker = '<marker@lead.example>';
    await services.mailbox.deliver(
      replyMessage({
        from: 'nobody-known@lead.example',
        to: 'dana@parley.test',
        subject: 'hello',
        messageId: marker,
        body: 'Hi, who is this?',
      }),
    );
    assert.equal((await processedReply(marker)).state, 'unmatched');
    assert.equal(await db.replies.countDocuments({ messageId: '<copy@parley.test>' }), 0);

    const client = mailboxClient(services.mailbox);
    await client.connect();
    try {
      await client.mailboxOpen('INBOX', { readOnly: true });
      // A message's keyword is stored just after its reply, so it may trail the reply's state.
      const messages = await eventually('every message carries a Parley keyword', async () => {
        const all = await client.fetchAll('1:*', { uid: true, flags: true });
        return all.every((m) => m.flags?.has(PROCESSED_KEYWORD) || m.flags?.has(QUARANTINED_KEYWORD)) ? all : undefined;
      }).catch(() => client.fetchAll('1:*', { uid: true, flags: true }));
      assert.ok(messages.length >= 10);
      for (const message of messages) {
        assert.ok(!message.flags?.has('\\Seen'), `uid ${message.uid} was marked \\Seen`);
        assert.ok(
          message.flags?.has(PROCESSED_KEYWORD) || message.flags?.has(QUARANTINED_KEYWORD),
          `uid ${message.uid} has no Parley keyword`,
        );
      }
    } finally {
      await client.logout();
    }
  });
});
