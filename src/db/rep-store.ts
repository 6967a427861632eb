import type { Collection } from 'mongodb';
import { insertOnce } from './database.ts';
import type { RepDoc, RepMessageDoc } from './documents.ts';

/**
 * Reps (`reps`, keyed by lower-cased address; callers normalise it) and the answers they send to
 * tasks (`rep_messages`). Lists are few documents and sorted by address, which is also the order
 * round-robin turns and escalations use.
 */
export interface RepStore {
  get(id: string): Promise<RepDoc | null>;
  exists(id: string): Promise<boolean>;
  /** 'duplicate': a rep with this address exists already. */
  insert(rep: RepDoc): Promise<'inserted' | 'duplicate'>;
  /** Replaces the rep's password hash if it is still `was` (a password changed meanwhile is kept). */
  replacePasswordHash(id: string, was: string, hash: string): Promise<void>;
  /** False when there is no such rep. */
  setOnDuty(id: string, onDuty: boolean): Promise<boolean>;
  /** All reps, by address. */
  all(): Promise<RepDoc[]>;
  /** Reps taking round-robin assignments, by address. */
  onDuty(): Promise<RepDoc[]>;
  /** Reps overdue tasks are escalated to, by address (on duty or not: the caller chooses). */
  leads(): Promise<RepDoc[]>;
  /** Sets a new password hash whatever the old one was (a reset); false when there is no such rep. */
  setPasswordHash(id: string, hash: string): Promise<boolean>;
  /** Deletes the rep's account; false when there was none. Their answers stay (they are the thread's history). */
  remove(id: string): Promise<boolean>;
  /** Records an answer before it is sent (state 'sending'), so a reply to it matches its thread even if the process dies after the server took it. */
  recordAnswer(answer: RepMessageDoc): Promise<void>;
  answerSent(id: string, at: Date, smtpResponse: string): Promise<void>;
  answerFailed(id: string, error: string): Promise<void>;
  /** The answers sent in an enrollment's thread. */
  answersInThread(enrollmentId: string): Promise<RepMessageDoc[]>;
  /** An answer with one of these Message-IDs (whatever its state): what a reply's references may name. */
  answerWithMessageId(messageIds: readonly string[]): Promise<RepMessageDoc | null>;
}

export function repStore(collections: { reps: Collection<RepDoc>; repMessages: Collection<RepMessageDoc> }): RepStore {
  const { reps, repMessages } = collections;
  return {
    get: (id) => reps.findOne({ _id: id }),
    exists: async (id) => (await reps.countDocuments({ _id: id }, { limit: 1 })) > 0,
    insert: (rep) => insertOnce(reps, rep),
    async replacePasswordHash(id, was, hash) {
      await reps.updateOne({ _id: id, passwordHash: was }, { $set: { passwordHash: hash } });
    },
    async setOnDuty(id, onDuty) {
      const result = await reps.updateOne({ _id: id }, { $set: { onDuty } });
      return result.matchedCount > 0;
    },
    all: () => reps.find({}).sort({ _id: 1 }).toArray(),
    onDuty: () => reps.find({ onDuty: true }).sort({ _id: 1 }).toArray(),
    leads: () => reps.find({ lead: true }).sort({ _id: 1 }).toArray(),
    async setPasswordHash(id, hash) {
      return (await reps.updateOne({ _id: id }, { $set: { passwordHash: hash } })).matchedCount > 0;
    },
    remove: async (id) => (await reps.deleteOne({ _id: id })).deletedCount > 0,
    async recordAnswer(answer) {
      await repMessages.insertOne(answer);
    },
    async answerSent(id, at, smtpResponse) {
      await repMessages.updateOne({ _id: id }, { $set: { state: 'sent', sentAt: at, smtpResponse } });
    },
    async answerFailed(id, error) {
      await repMessages.updateOne({ _id: id }, { $set: { state: 'failed', error } });
    },
    answersInThread: (enrollmentId) => repMessages.find({ enrollmentId, state: 'sent' }).toArray(),
    answerWithMessageId: (messageIds) => repMessages.findOne({ messageId: { $in: [...messageIds] } }),
  };
}
