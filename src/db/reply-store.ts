import type { Collection } from 'mongodb';
import { insertOnce } from './database.ts';
import type { ReplyDoc } from './documents.ts';

/** What the classifier concluded about a reply, written with its outcome. */
export type ReplyDecision = Pick<ReplyDoc, 'intent' | 'confidence' | 'explanation' | 'analysis'>;

/** What a matched reply learned: whose conversation it answers, and what it did there. */
export type ReplyMatch = Required<Pick<ReplyDoc, 'enrollmentId' | 'contactId' | 'matchedBy'>> &
  Pick<ReplyDoc, 'stepId' | 'outcome' | 'senderConcern'>;

/** A relabelled reply, as training reads it. */
export type CorrectedReply = Pick<ReplyDoc, '_id' | 'visibleText' | 'correction'>;

/**
 * Replies (`replies`), keyed by `mid:<Message-ID>` (or the source's hash), so a message fetched
 * twice is one reply. Reads by `_id` are served by the `_id` index everywhere. A reply's state
 * moves `received` → `processed` | `unmatched`; those writes are plain updates by `_id` (they
 * redo the same decision when a handling cut off half-way is finished), never a guard: the
 * once-only step is `receive`, a unique insert, atomic on MongoDB and FerretDB v1 alike.
 */
export interface ReplyStore {
  get(id: string): Promise<ReplyDoc | null>;
  /** Stores a newly fetched reply (state `received`); 'duplicate' when a reply with its id is there already. */
  receive(reply: ReplyDoc): Promise<'received' | 'duplicate'>;
  /** The reply matched no enrollment. */
  markUnmatched(id: string, decision: ReplyDecision, at: Date): Promise<void>;
  /** The reply was matched to an enrollment and acted on. */
  markProcessed(id: string, match: ReplyMatch, decision: ReplyDecision, at: Date): Promise<void>;
  /** Stores a rep's correction of the intent beside the original label. */
  correct(id: string, correction: NonNullable<ReplyDoc['correction']>): Promise<void>;
  /**
   * Every relabelled reply, for training. No index serves it (the `correction.at` index does not
   * answer `$exists` on its parent): training is rare and offline.
   */
  corrected(): Promise<CorrectedReply[]>;
  /** The replies matched to an enrollment, unordered. No index on `enrollmentId`: read per task view only. */
  inThread(enrollmentId: string): Promise<ReplyDoc[]>;
  /** How many replies were handled, matched or not (the demo waits on it). Counts the whole collection. */
  countHandled(): Promise<number>;
  /**
   * The newest replies that matched no enrollment (delivery reports citing no message of ours
   * among them): what was recorded and changed nothing. At most `limit`; on FerretDB v1 the
   * filter reads every reply, on MongoDB the `{state, receivedAt}` index serves it.
   */
  recentUnmatched(limit: number): Promise<ReplyDoc[]>;
  /** How many replies matched no enrollment. Counts the whole collection. */
  countUnmatched(): Promise<number>;
}

export function replyStore(collections: { replies: Collection<ReplyDoc> }): ReplyStore {
  const { replies } = collections;
  return {
    get: (id) => replies.findOne({ _id: id }),
    receive: async (reply) => ((await insertOnce(replies, reply)) === 'inserted' ? 'received' : 'duplicate'),
    async markUnmatched(id, decision, at) {
      await replies.updateOne({ _id: id }, { $set: { state: 'unmatched', ...decision, processedAt: at } });
    },
    async markProcessed(id, match, decision, at) {
      await replies.updateOne({ _id: id }, { $set: { state: 'processed', ...match, ...decision, processedAt: at } });
    },
    async correct(id, correction) {
      await replies.updateOne({ _id: id }, { $set: { correction } });
    },
    corrected: () => replies.find({ correction: { $exists: true } }, { projection: { visibleText: 1, correction: 1 } }).toArray(),
    inThread: (enrollmentId) => replies.find({ enrollmentId }).toArray(),
    countHandled: () => replies.countDocuments({ state: { $ne: 'received' } }),
    recentUnmatched: (limit) =>
      replies
        .find({ state: 'unmatched' })
        .sort({ receivedAt: -1 })
        .limit(Math.max(1, Math.min(limit, 200)))
        .toArray(),
    countUnmatched: () => replies.countDocuments({ state: 'unmatched' }),
  };
}
