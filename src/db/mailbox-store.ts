import type { Collection } from 'mongodb';
import type { MailboxCursorDoc, MessageTries, QuarantineDoc } from './documents.ts';

/** Where a poll resumes: the mailbox's UIDVALIDITY and the last UID handled under it. */
export type MailboxCursor = Pick<MailboxCursorDoc, 'uidValidity' | 'lastUid'>;
export type { MessageTries };

/** A message that could not be handled, and why. Its id is made from where it sits. */
export type QuarantinedMessage = Omit<QuarantineDoc, '_id'>;

/**
 * What the reply mailbox's poller keeps: its cursor (`mailbox_cursors`, one per mailbox key
 * `<user>@<host>:<port>/<mailbox>`) and the messages it quarantined (`quarantine`, one per
 * `<mailbox>:<uidValidity>:<uid>`). Both are read and written by `_id` only, served by the `_id`
 * index. The writes are upserts, which are not atomic on FerretDB v1 (STACK-NOTES), and need not
 * be: only the mailbox lease's holder polls, and writing either again writes the same thing.
 */
export interface MailboxStore {
  /** The mailbox's cursor; undefined before its first poll. */
  cursor(mailboxKey: string): Promise<MailboxCursor | undefined>;
  /** The cursor and the tries of the message a poll had in hand, in one read. */
  pollState(mailboxKey: string): Promise<{ cursor: MailboxCursor | undefined; tries: MessageTries | undefined }>;
  /** Records the tries of the message in hand, or clears them (undefined) after a poll that finished. */
  recordTries(mailboxKey: string, tries: MessageTries | undefined, at: Date): Promise<void>;
  /** Moves the cursor forward to `lastUid` (never back, unless UIDVALIDITY changed); creates it on the first poll. */
  advanceCursor(mailboxKey: string, cursor: MailboxCursor, at: Date): Promise<void>;
  /** Files a message as unhandleable; quarantining it again overwrites the record. */
  quarantine(message: QuarantinedMessage): Promise<void>;
  /** How many messages are quarantined. Counts the whole collection (the demo's summary only). */
  countQuarantined(): Promise<number>;
}

export const quarantineId = (message: Pick<QuarantineDoc, 'mailbox' | 'uidValidity' | 'uid'>): string =>
  `${message.mailbox}:${message.uidValidity}:${message.uid}`;

export function mailboxStore(collections: {
  mailboxCursors: Collection<MailboxCursorDoc>;
  quarantine: Collection<QuarantineDoc>;
}): MailboxStore {
  const { mailboxCursors, quarantine } = collections;
  return {
    async cursor(mailboxKey) {
      const found = await mailboxCursors.findOne({ _id: mailboxKey });
      return found?.uidValidity === undefined ? undefined : { uidValidity: found.uidValidity, lastUid: found.lastUid };
    },
    async pollState(mailboxKey) {
      const found = await mailboxCursors.findOne({ _id: mailboxKey });
      const cursor = found?.uidValidity === undefined ? undefined : { uidValidity: found.uidValidity, lastUid: found.lastUid };
      return { cursor, tries: found?.tries };
    },
    async recordTries(mailboxKey, tries, at) {
      // Before the first cursor save the document may not exist: the upsert makes one the cursor's
      // own save completes (its uidValidity check fails on it, so it sets every field).
      if (tries) await mailboxCursors.updateOne({ _id: mailboxKey }, { $set: { tries, updatedAt: at } }, { upsert: true });
      else await mailboxCursors.updateOne({ _id: mailboxKey }, { $unset: { tries: '' } });
    },
    async advanceCursor(mailboxKey, cursor, at) {
      // Forward only within one UIDVALIDITY: a save that comes late (a poll of a session that died)
      // never moves the cursor back over messages a later poll finished. A new UIDVALIDITY starts over.
      const moved = await mailboxCursors.updateOne(
        { _id: mailboxKey, uidValidity: cursor.uidValidity },
        { $max: { lastUid: cursor.lastUid }, $set: { updatedAt: at } },
      );
      if (moved.matchedCount > 0) return;
      await mailboxCursors.updateOne(
        { _id: mailboxKey },
        { $set: { uidValidity: cursor.uidValidity, lastUid: cursor.lastUid, updatedAt: at } },
        { upsert: true },
      );
    },
    async quarantine(message) {
      await quarantine.updateOne({ _id: quarantineId(message) }, { $set: message }, { upsert: true });
    },
    countQuarantined: () => quarantine.countDocuments({}),
  };
}
