import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { mailboxKey } from '../src/inbound/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { replyMessage } from './support/mail.ts';
import { quickFollowUp } from './support/sequences.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { killAllCli, startCli, type CliProcess } from './support/worker-process.ts';

const LEASE_MS = 3_000;

// Two `parley worker` processes on one database and one mailbox: only the lease holder polls it;
// when the holder is killed, the other takes the mailbox over, and no reply is handled twice.
describe('the mailbox lease between worker processes', () => {
  let services: TestServices;
  let db: Database;
  let sequence: Sequence;
  let mailbox: string;

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
    sequence = await quickFollowUp();
    mailbox = mailboxKey(services.config().imap);
  });
  afterAll(async () => {
    await killAllCli();
    await db?.close();
    await services?.stop();
  });

  const pidOf = (holder: string | undefined) => Number(holder?.split(':')[1]);
  const newestTerm = async () => (await db.mailboxLeases.find({ mailbox }).sort({ term: -1 }).limit(1).toArray())[0];

  /** Sends step 1 to the contact (through the workers) and returns its Message-ID. */
  async function stepOneSentTo(email: string) {
    await enrollContacts(db, sequence, [{ email }]);
    const delivery = await eventually(
      `step 1 sent to ${email}`,
      async () => (await db.deliveries.findOne({ to: email, stepId: 'hello', state: 'sent' })) ?? undefined,
      30_000,
    );
    return delivery.messageId;
  }

  async function replyAndWait(email: string, messageId: string, inReplyTo: string) {
    await services.mailbox.deliver(
      replyMessage({
        from: `Lead <${email}>`,
        to: 'dana@parley.test',
        subject: 'Re: Quick question',
        messageId,
        inReplyTo,
        references: [inReplyTo],
        body: 'Sounds good, can we talk on Thursday?',
      }),
    );
    return eventually(
      `reply ${messageId} handled`,
      async () => (await db.replies.findOne({ messageId, state: 'processed' })) ?? undefined,
      30_000,
    );
  }

  it('one worker polls at a time; the other takes over within two lease periods of a SIGKILL', async () => {
    const env = services.env({
      SEQUENCES_DIR: 'test/fixtures/sequences',
      IMAP_LEASE_MS: String(LEASE_MS),
      IMAP_POLL_INTERVAL_MS: '500',
      LOG_LEVEL: 'info',
    });
    const workers: CliProcess[] = [startCli(['worker'], env), startCli(['worker'], env)];
    const byPid = (pid: number) => workers.find((w) => w.child.pid === pid);

    const first = await eventually('a worker holds the lease', async () => {
      const term = await newestTerm();
      return term && term.until > new Date() ? term : undefined;
    });
    const holder = byPid(pidOf(first.holder));
    const other = workers.find((w) => w !== holder);
    assert.ok(holder && other, `the holder ${first.holder} is one of the workers`);

    // Over a few renewals, every term is the same worker's, and only it opened the mailbox.
    await new Promise((r) => setTimeout(r, LEASE_MS * 1.5));
    const terms = await db.mailboxLeases.find({ mailbox }).sort({ term: 1 }).toArray();
    assert.ok(terms.length >= 3, `renewed: ${terms.length} terms`);
    assert.deepEqual([...new Set(terms.map((t) => t.holder))], [first.holder], 'one holder throughout');
    assert.deepEqual(
      terms.map((t) => t.term),
      terms.map((_, i) => i + 1),
    );
    assert.match(holder.output(), /watching mailbox/);
    assert.doesNotMatch(other.output(), /watching mailbox/, 'the other worker never connected to IMAP');

    const oneStep = await stepOneSentTo('first@lead.example');
    const firstReply = await replyAndWait('first@lead.example', '<lease-1@lead.example>', oneStep);

    await holder.kill('SIGKILL');
    const killedAt = Date.now();
    const taken = await eventually(
      'the other worker takes the lease',
      async () => {
        const term = await newestTerm();
        return term && pidOf(term.holder) === other.child.pid ? term : undefined;
      },
      LEASE_MS * 4,
    );
    const tookMs = Date.now() - killedAt;
    console.log(`# lease taken over ${tookMs} ms after the SIGKILL (lease ${LEASE_MS} ms), term ${taken.term}`);
    assert.ok(tookMs <= LEASE_MS * 2, `took over within two lease periods (${tookMs} ms)`);
    await eventually('the new holder watches the mailbox', async () => (/watching mailbox/.test(other.output()) ? true : undefined));

    const twoStep = await stepOneSentTo('second@lead.example');
    const secondReply = await replyAndWait('second@lead.example', '<lease-2@lead.example>', twoStep);
    // Give the new holder time to poll again: nothing it re-reads is handled a second time.
    await new Promise((r) => setTimeout(r, 1_500));

    for (const reply of [firstReply, secondReply]) {
      assert.equal(await db.replies.countDocuments({ messageId: reply.messageId }), 1, `one reply document for ${reply.messageId}`);
      assert.equal(await db.tasks.countDocuments({ replyId: reply._id }), 1, `one task for ${reply.messageId}`);
    }
    assert.equal(await db.replies.countDocuments({}), 2);
    assert.equal(await db.tasks.countDocuments({}), 2);

    // A clean stop hands the lease back at once (a term that has already run out).
    assert.equal(await other.kill('SIGTERM'), 0, other.output());
    const released = await newestTerm();
    assert.equal(pidOf(released?.holder), other.child.pid);
    assert.equal(released?.until.getTime(), released?.at.getTime(), 'released on stop');
  });
});
