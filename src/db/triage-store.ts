import type { Collection } from 'mongodb';
import { insertOnce } from './database.ts';
import type { InboxSignalDoc, ReferralDoc, ReplyDoc, TaskDoc, TriageDetails } from './documents.ts';
import { inboxSignal } from './inbox-signal.ts';
import { boundedTaskId } from './task-ids.ts';

/** How many of a sender's triage task numbers one read asks for (`_id $in`, served by the `_id` index). */
const PROBE = 8;

/**
 * Triage tasks (in `tasks`, with `triage` set) and the referral register (`referrals`). A sender's
 * triage tasks are numbered, `triage:<sender>#<n>`, so the newest is found by reads by `_id` alone
 * (FerretDB v1 reads the whole collection for any other filter); creating number n + 1 is a
 * unique insert, atomic on MongoDB and FerretDB alike, so two handlers never both open one.
 */
export interface TriageStore {
  /** The sender's newest triage task, whatever its status. */
  newestOf(sender: string): Promise<{ task: TaskDoc; n: number } | undefined>;
  /** The `_id` of the sender's triage task number n. */
  idOf(sender: string, n: number): string;
  /** Inserts a new triage task; 'duplicate' when another handler created that number first. */
  open(task: TaskDoc): Promise<'inserted' | 'duplicate'>;
  /**
   * Adds a reply to an open triage task: its id while there is room (`keep`), and the count once
   * per reply (a redo of the same reply counts nothing). Returns false when the task holds it already.
   */
  join(taskId: string, replyId: string, at: Date, keep: boolean): Promise<boolean>;
  /** Writes the triage details a rep decided (attached, dismissed) and what the task now points to. */
  decide(
    taskId: string,
    set: Partial<Pick<TaskDoc, 'contactId' | 'email' | 'enrollmentId' | 'sequenceId'>> & { triage: TriageDetails },
  ): Promise<void>;
  /** The replies a triage task gathered, oldest first. */
  replies(ids: readonly string[]): Promise<ReplyDoc[]>;
  /** Notes on a reply the triage task it joined. */
  markReply(replyId: string, taskId: string): Promise<void>;
  /** Links a triage task's replies to the contact (and enrollment) a rep attached it to, so they show in that thread. */
  attachReplies(ids: readonly string[], link: { contactId: string; enrollmentId?: string | undefined }): Promise<void>;
  /** Records who referred an address (the newest referral wins). */
  recordReferral(referral: ReferralDoc): Promise<void>;
  /** Who referred this normalised address, if anyone did. */
  referrerOf(address: string): Promise<ReferralDoc | null>;
}

export function triageStore(collections: {
  tasks: Collection<TaskDoc>;
  replies: Collection<ReplyDoc>;
  referrals: Collection<ReferralDoc>;
  inboxSignals?: Collection<InboxSignalDoc>;
}): TriageStore {
  const { tasks, replies, referrals } = collections;
  const signal = collections.inboxSignals && inboxSignal({ inboxSignals: collections.inboxSignals });
  // As in the task store: every task write tells the open inboxes.
  const changed = async <T>(result: T): Promise<T> => {
    await signal?.touch();
    return result;
  };
  const idOf = (sender: string, n: number) => boundedTaskId(`triage:${sender}#${n}`);
  return {
    idOf,
    async newestOf(sender) {
      let newest: { task: TaskDoc; n: number } | undefined;
      for (let from = 1; ; from += PROBE) {
        const ids = Array.from({ length: PROBE }, (_, i) => idOf(sender, from + i));
        const found = await tasks.find({ _id: { $in: ids } }).toArray();
        for (const task of found) {
          const n = from + ids.indexOf(task._id);
          if (!newest || n > newest.n) newest = { task, n };
        }
        // Numbers are taken one after another: a batch that is not full holds the newest.
        if (found.length < PROBE) return newest;
      }
    },
    open: async (task) => changed(await insertOnce(tasks, task)),
    async join(taskId, replyId, at, keep) {
      const result = await tasks.updateOne(
        { _id: taskId, 'triage.replyIds': { $ne: replyId } },
        keep
          ? { $push: { 'triage.replyIds': replyId }, $inc: { 'triage.messages': 1 }, $max: { 'triage.lastAt': at } }
          : { $inc: { 'triage.messages': 1 }, $max: { 'triage.lastAt': at } },
      );
      return changed(result.modifiedCount > 0);
    },
    async decide(taskId, set) {
      await changed(await tasks.updateOne({ _id: taskId }, { $set: set }));
    },
    replies: async (ids) => {
      if (ids.length === 0) return [];
      const found = await replies.find({ _id: { $in: [...ids] } }).toArray();
      return found.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    },
    async markReply(replyId, taskId) {
      await replies.updateOne({ _id: replyId }, { $set: { triageTaskId: taskId } });
    },
    async attachReplies(ids, link) {
      if (ids.length === 0) return;
      await replies.updateMany({ _id: { $in: [...ids] } }, { $set: link });
    },
    async recordReferral(referral) {
      await referrals.replaceOne({ _id: referral._id }, referral, { upsert: true });
    },
    referrerOf: (address) => referrals.findOne({ _id: address }),
  };
}
