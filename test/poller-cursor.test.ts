import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { connectDatabase, type Database, type MailboxCursorDoc } from '../src/db/index.ts';
import { MailboxPoller, ReplyHandler, mailboxKey, type MessageOrigin, type PollResult } from '../src/inbound/index.ts';
import { silentLogger } from '../src/logger.ts';
import type { Collection } from 'mongodb';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';

const CURSOR_SAVE_DELAY_MS = 1_000;

// The cursor is saved every few messages while a poll runs and once at its end. A message that
// finishes while a save is under way must still move the cursor at the end of the poll: it is
// marked handled in the mailbox, and a cursor left before it would make the next poll fetch it
// again (and tests that wait for the end state wait for a poll that nothing triggers).
describe('the mailbox cursor at the end of a poll', () => {
  let services: TestServices;
  let db: Database;

  beforeAll(async () => {
    services = await startTestServices();
    db = await connectDatabase(services.mongoUrl, services.database);
  });
  afterAll(async () => {
    await db?.close();
    await services?.stop();
  });

  it('is past the last message handled, also when that message finished while the cursor was being saved', async () => {
    const config = services.config({ INBOUND_CONCURRENCY: '2', IMAP_POLL_INTERVAL_MS: '600000' });
    for (const n of [1, 2, 3]) {
      await services.mailbox.deliver(
        replyMessage({
          from: `Lee <lee-${n}@lead.example>`,
          to: 'dana@parley.test',
          subject: 'Re: hello',
          messageId: `<cursor-${n}@lead.example>`,
          body: 'Sounds good, tell me more.',
        }),
      );
    }

    // The database stays real; only the cursor's forward save ($max) is held back a while, so the
    // third message (begun when the first finished, let go when the second finished) finishes
    // during the save that the second one starts.
    let cursorSaves = 0;
    const slowCursors = new Proxy(db.mailboxCursors, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'updateOne' || typeof value !== 'function') return value;
        return async (...args: Parameters<Collection<MailboxCursorDoc>['updateOne']>) => {
          const isForwardSave = typeof args[1] === 'object' && args[1] !== null && '$max' in args[1];
          if (isForwardSave) {
            cursorSaves += 1;
            await new Promise((r) => setTimeout(r, CURSOR_SAVE_DELAY_MS));
          }
          return target.updateOne(...args);
        };
      },
    });

    const handler = new ReplyHandler({ db, logger: silentLogger(), ownAddresses: () => new Set(), getSequence: () => undefined });
    let secondDone: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (secondDone = resolve));
    const handle = async (source: Buffer, origin: MessageOrigin) => {
      if (origin.uid === 2) await new Promise((r) => setTimeout(r, 200)); // after the first
      if (origin.uid === 3) await second;
      const outcome = await handler.handle(source, origin);
      if (origin.uid === 2) secondDone();
      return outcome;
    };

    const polls: PollResult[] = [];
    const poller = new MailboxPoller({
      imap: config.imap,
      db: { ...db, mailboxCursors: slowCursors },
      handle,
      logger: silentLogger(),
      onPoll: (r) => polls.push(r),
    });
    try {
      await poller.start();
      const [poll] = await eventually('the first poll finished', async () => (polls.length > 0 ? polls : undefined), 30_000);
      assert.equal(poll?.fetched, 3);
      assert.equal(poll?.outcomes.length, 3, 'the poll counts every message it handled');
      const cursor = await db.mailboxCursors.findOne({ _id: mailboxKey(config.imap) });
      assert.equal(cursor?.lastUid, 3, `the cursor is past every message handled (${cursorSaves} saves)`);
    } finally {
      await poller.stop();
    }
  });
});
