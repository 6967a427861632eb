import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { isDuplicateKey } from './database.ts';
import type { InboxSignalDoc } from './documents.ts';

/** The open inboxes' news that the task queue changed (InboxSignalDoc). */
export interface InboxSignal {
  /** Says the queue changed. Never throws: a lost signal only delays an inbox until the next one. */
  touch(at?: Date): Promise<void>;
  /** The current token; undefined before the first task was ever written. */
  read(): Promise<string | undefined>;
}

const ID = 'tasks';

export function inboxSignal(collections: { inboxSignals: Collection<InboxSignalDoc> }): InboxSignal {
  const { inboxSignals } = collections;
  const set = (at: Date) => inboxSignals.updateOne({ _id: ID }, { $set: { token: randomUUID(), at } }, { upsert: true });
  return {
    async touch(at = new Date()) {
      try {
        await set(at);
      } catch (error) {
        // Two first upserts at once: one inserts, the other meets its key and updates.
        if (!isDuplicateKey(error)) return;
        await set(at).catch(() => undefined);
      }
    },
    read: async () => (await inboxSignals.findOne({ _id: ID }))?.token,
  };
}
