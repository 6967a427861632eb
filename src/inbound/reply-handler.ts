import { classifyReply, extractVisibleText, type Classification } from '../classify/index.ts';
import { isDuplicateKey, type ParleyCollections, type ReplyDoc } from '../db/index.ts';
import type { Logger } from '../logger.ts';
import type { Sequence } from '../sequences/index.ts';
import { queueTaskForReply } from '../tasks/index.ts';
import { applyOutcome, decideOutcome } from './apply-outcome.ts';
import { parseInboundMessage, type InboundMessage } from './inbound-message.ts';
import { isOwnMessage, matchEnrollment } from './match.ts';

/** Where a message sits in the mailbox. */
export interface MessageOrigin {
  mailbox: string;
  uidValidity: string;
  uid: number;
}

export type ReplyOutcome =
  | { kind: 'handled'; replyId: string; enrollmentId: string; classification: Classification; taskId: string | undefined }
  | { kind: 'unmatched'; replyId: string; classification: Classification }
  | { kind: 'duplicate'; replyId: string }
  | { kind: 'own' };

export interface ReplyHandlerOptions {
  db: ParleyCollections;
  logger: Logger;
  /** Addresses Parley sends from: mail from them is a copy of our own, not a reply. */
  ownAddresses: () => ReadonlySet<string>;
  /** The current version of a sequence, for the outcomes its file chose. */
  getSequence: (id: string) => Sequence | undefined;
  now?: () => Date;
}

/**
 * Turns one raw message into its effects, idempotently: the reply's id comes from its Message-ID
 * (or its source hash), so a message fetched twice (restart, UIDVALIDITY reset) is handled once,
 * and a handling cut off half-way is finished by the next fetch.
 */
export class ReplyHandler {
  readonly #o: Required<ReplyHandlerOptions>;

  constructor(options: ReplyHandlerOptions) {
    this.#o = { now: () => new Date(), ...options };
  }

  async handle(source: Buffer, origin: MessageOrigin): Promise<ReplyOutcome> {
    const { db } = this.#o;
    const message = await parseInboundMessage(source);
    if (await isOwnMessage(db, message, this.#o.ownAddresses())) return { kind: 'own' };

    const replyId = message.messageId ? `mid:${message.messageId}` : `sha256:${message.sourceHash}`;
    const existing = await db.replies.findOne({ _id: replyId });
    if (existing && existing.state !== 'received') return { kind: 'duplicate', replyId };

    const visibleText = extractVisibleText(message.text, message.html);
    const classification = classifyReply({
      subject: message.subject,
      visibleText,
      headers: message.headers,
      fromAddress: message.from,
      contentType: message.contentType,
    });
    if (!existing) {
      try {
        await db.replies.insertOne(this.#replyDoc(replyId, message, origin, visibleText));
      } catch (error) {
        // Another poller holds the same message right now; it finishes the work.
        if (isDuplicateKey(error)) return { kind: 'duplicate', replyId };
        throw error;
      }
    }

    const match = await matchEnrollment(db, message);
    const decided = { intent: classification.intent, confidence: classification.confidence, explanation: classification.explanation };
    if (!match) {
      await db.replies.updateOne({ _id: replyId }, { $set: { state: 'unmatched', ...decided, processedAt: this.#o.now() } });
      this.#o.logger.info({ replyId, from: message.from, intent: classification.intent }, 'reply matches no enrollment');
      return { kind: 'unmatched', replyId, classification };
    }

    const { enrollment, matchedBy, stepId } = match;
    const now = this.#o.now();
    const contact = await db.contacts.findOne({ _id: enrollment.contactId });
    const applied = decideOutcome({
      sequence: this.#o.getSequence(enrollment.sequenceId),
      getSequence: this.#o.getSequence,
      stepId,
      classification,
      visibleText,
      written: message.date && message.date < now ? message.date : now,
      now,
      contact,
      nextStepAt: enrollment.nextStepAt,
    });
    await applyOutcome(db, applied, { enrollment, contact, replyId, now });
    const task = applied.task
      ? await queueTaskForReply(db, { reply: { _id: replyId }, enrollment, classification, assignee: applied.task.assignee, outcome: applied.action }, now)
      : undefined;
    await db.replies.updateOne(
      { _id: replyId },
      {
        $set: {
          state: 'processed',
          enrollmentId: enrollment._id,
          contactId: enrollment.contactId,
          matchedBy,
          ...decided,
          outcome: applied.action,
          processedAt: this.#o.now(),
        },
      },
    );
    this.#o.logger.info(
      { replyId, enrollmentId: enrollment._id, matchedBy, intent: classification.intent, outcome: applied.action, taskId: task?._id },
      'reply handled',
    );
    return { kind: 'handled', replyId, enrollmentId: enrollment._id, classification, taskId: task?._id };
  }

  #replyDoc(replyId: string, message: InboundMessage, origin: MessageOrigin, visibleText: string): ReplyDoc {
    return {
      _id: replyId,
      messageId: message.messageId,
      mailbox: origin.mailbox,
      uidValidity: origin.uidValidity,
      uid: origin.uid,
      from: message.from,
      subject: message.subject,
      date: message.date,
      inReplyTo: message.inReplyTo,
      references: message.references,
      visibleText,
      state: 'received',
      receivedAt: this.#o.now(),
    };
  }
}
