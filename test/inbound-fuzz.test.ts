import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { MailboxPoller, ReplyHandler, type PollResult } from '../src/inbound/index.ts';
import { silentLogger } from '../src/logger.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { stepMessageId } from '../src/sending/index.ts';
import {
  fixtureMessages,
  forgedReports,
  hostileMessages,
  mutate,
  seeded,
  spoofedMessages,
  TRUSTED_AUTHSERV_ID,
} from './support/hostile-mail.ts';
import { replyMessage } from './support/mail.ts';
import { quickFollowUp } from './support/sequences.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';

const MUTATIONS = 2000;

// Bad mail must never stop the inbound path: thousands of mutated real messages and a set of
// hostile ones (NUL bytes, broken encodings, huge headers, deep nesting, a 30 MB attachment).
describe('hostile and mutated mail', () => {
  describe('through the reply handler', () => {
    let testDb: TestDatabase | undefined;
    beforeAll(async () => {
      testDb = await startTestDatabase('fuzz');
    });
    afterAll(async () => {
      await testDb?.stop();
    });

    it(`handles or rejects with a reason each of ${MUTATIONS} mutated messages, in bounded memory`, async () => {
      assert.ok(testDb);
      const handler = new ReplyHandler({
        db: testDb.db,
        logger: silentLogger(),
        ownAddresses: () => new Set(),
        getSequence: () => undefined,
      });
      const seeds = fixtureMessages();
      const random = seeded(20261201);
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const outcomes = new Map<string, number>();
      for (let i = 0; i < MUTATIONS; i++) {
        const raw = mutate(seeds[i % seeds.length]!, random);
        try {
          const outcome = await handler.handle(raw, { mailbox: 'INBOX', uidValidity: '1', uid: i + 1 });
          outcomes.set(outcome.kind, (outcomes.get(outcome.kind) ?? 0) + 1);
        } catch (error) {
          // What the poller quarantines: it must come with a message that says what went wrong.
          assert.ok(error instanceof Error && error.message.length > 0, `case ${i}: threw without a reason: ${String(error)}`);
          outcomes.set('rejected', (outcomes.get('rejected') ?? 0) + 1);
        }
        if (i % 100 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
      const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
      assert.equal(total, MUTATIONS);
      assert.ok(
        (outcomes.get('unmatched') ?? 0) + (outcomes.get('duplicate') ?? 0) > MUTATIONS / 2,
        `most mutations still parse: ${JSON.stringify([...outcomes])}`,
      );
      const growthMiB = (peak - rssBefore) / 2 ** 20;
      assert.ok(growthMiB < 400, `memory grew by ${growthMiB.toFixed(0)} MiB`);
    });
  });

  describe('spoofed senders, through the reply handler', () => {
    let testDb: TestDatabase | undefined;
    beforeAll(async () => {
      testDb = await startTestDatabase('fuzz-spoof');
    });
    afterAll(async () => {
      await testDb?.stop();
    });

    it("no stranger's message changes another contact's state, as written or mutated", async () => {
      assert.ok(testDb);
      const { db } = testDb;
      const sequence = await quickFollowUp();
      const emails = ['victim.one@lead.example', 'victim.two@lead.example'];
      await enrollContacts(
        db,
        sequence,
        emails.map((email) => ({ email })),
      );
      const enrollments = await db.enrollments.find({ email: { $in: emails } }).toArray();
      assert.equal(enrollments.length, emails.length);
      /** Everything a reply could change about the victims: their enrollments, their contacts, their events. */
      const stateOfVictims = async () => {
        const contacts = await db.contacts.find({ email: { $in: emails } }).toArray();
        const current = await db.enrollments.find({ email: { $in: emails } }).toArray();
        const events = await db.events.countDocuments({ contactId: { $in: contacts.map((c) => c._id) } });
        return {
          enrollments: current
            .sort((a, b) => a.email.localeCompare(b.email))
            .map((e) => [e.email, e.status, e.statusReason, e.nextStepAt?.getTime(), e.passedStepIds.join()]),
          contacts: contacts
            .sort((a, b) => a.email.localeCompare(b.email))
            .map((c) => [c.email, c.suppressed, c.undeliverable, c.qualified, c.qualification]),
          events,
        };
      };
      const before = await stateOfVictims();
      const handler = new ReplyHandler({
        db,
        logger: silentLogger(),
        ownAddresses: () => new Set(['dana@parley.test']),
        getSequence: (id) => (id === sequence.id ? sequence : undefined),
        authservIds: [TRUSTED_AUTHSERV_ID],
      });
      const spoofs = enrollments.flatMap((e) =>
        spoofedMessages({ email: e.email, stepMessageId: stepMessageId(e._id, sequence.steps[0]!.id, 'parley.test') }),
      );
      const random = seeded(20261205);
      const mutated = Array.from({ length: 400 }, () => {
        const safe = spoofs.filter((s) => !s.mentionsVictim);
        return { name: 'mutated', raw: mutate(safe[Math.floor(random() * safe.length)]!.raw, random) };
      });
      const reports = enrollments.flatMap((e) =>
        forgedReports({ email: e.email, stepMessageId: stepMessageId(e._id, sequence.steps[0]!.id, 'parley.test') }),
      );
      let uid = 0;
      let held = 0;
      for (const spoof of [...spoofs, ...reports, ...mutated]) {
        let outcome;
        try {
          outcome = await handler.handle(spoof.raw, { mailbox: 'INBOX', uidValidity: '1', uid: ++uid });
        } catch (error) {
          assert.ok(error instanceof Error && error.message.length > 0, `${spoof.name}: threw without a reason`);
          continue;
        }
        if (outcome.kind !== 'handled') continue;
        const reply = await db.replies.findOne({ _id: outcome.replyId });
        // Held for a person, or an automatic answer that does nothing anyway (a forged report cites nothing of ours).
        assert.ok(
          reply?.outcome === 'sender_review' || reply?.outcome === 'none',
          `${spoof.name}: ${reply?.from} acted (${reply?.outcome}) for ${reply?.enrollmentId}`,
        );
        if (reply.outcome === 'sender_review') {
          held++;
          const task = await db.tasks.findOne({ replyId: reply._id });
          assert.ok(task?.senderConcern, `${spoof.name}: the task is marked`);
        }
      }
      assert.deepEqual(await stateOfVictims(), before, "no victim's state changed");
      assert.ok(held >= spoofs.length - 2 * enrollments.length, `most spoofs reached a person (${held} of ${spoofs.length})`);
    });
  });

  describe('through Dovecot and the mailbox poller', () => {
    let services: TestServices;
    let db: Database;
    let poller: MailboxPoller;
    const polls: PollResult[] = [];

    beforeAll(async () => {
      services = await startTestServices();
      const config = services.config({ IMAP_MAX_MESSAGE_BYTES: String(10 * 1024 * 1024) });
      db = await connectDatabase(services.mongoUrl, config.mongo.database);
      const handler = new ReplyHandler({ db, logger: silentLogger(), ownAddresses: () => new Set(), getSequence: () => undefined });
      poller = new MailboxPoller({
        imap: config.imap,
        db,
        handle: (source, origin) => handler.handle(source, origin),
        logger: silentLogger(),
        onPoll: (r) => polls.push(r),
      });
      await poller.start();
    });
    afterAll(async () => {
      await poller?.stop();
      await db?.close();
      await services?.stop();
    });

    it('quarantines what it cannot read, with the reason, and goes on to the next reply', async () => {
      const hostile = hostileMessages();
      const attachment = Buffer.alloc(30 * 1024 * 1024, 'A').toString('base64');
      const big = `From: Big <big@lead.example>\r\nTo: dana@parley.test\r\nSubject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--x--\r\n`;
      for (const { raw } of hostile) await services.mailbox.deliver(raw.length === 0 ? Buffer.from('\r\n') : raw);
      await services.mailbox.deliver(big);
      await services.mailbox.deliver(
        replyMessage({
          from: 'Last <last@lead.example>',
          to: 'dana@parley.test',
          subject: 'Re: hello',
          messageId: '<after-the-storm@lead.example>',
          body: 'Sounds good, call me Tuesday.',
        }),
      );
      const last = await eventually(
        'the reply after the hostile ones',
        async () => {
          const reply = await db.replies.findOne({ messageId: '<after-the-storm@lead.example>' });
          // Stored as 'received' first; handled once its state moves on.
          return reply && reply.state !== 'received' ? reply : undefined;
        },
        60_000,
      );
      assert.equal(last.state, 'unmatched');
      const quarantined = await db.quarantine.find({}).toArray();
      const tooLarge = quarantined.find((q) => q.code === 'MESSAGE_TOO_LARGE');
      assert.ok(tooLarge, 'the 30 MB message is quarantined unread');
      assert.match(tooLarge.reason, /IMAP_MAX_MESSAGE_BYTES/);
      for (const q of quarantined)
        assert.ok(q.reason.length > 0 && q.code.length > 0, `quarantined without a reason: ${JSON.stringify(q)}`);
      // Every hostile message was looked at: stored as a reply, or quarantined.
      // A poll reports after its last cursor write, which may come a moment after the last reply is stored.
      const handledCount = () => polls.reduce((n, p) => n + p.outcomes.length + p.quarantined, 0);
      await eventually('every message reported by a poll', async () => (handledCount() >= hostile.length + 2 ? true : undefined)).catch(
        () => undefined,
      );
      assert.equal(handledCount(), hostile.length + 2);
    });
  });
});
