import { classifyReply, extractVisibleText, type Classification } from '../classify/index.ts';
import { isDuplicateKey, type EnrollmentDoc, type ParleyCollections, type ReplyDoc } from '../db/index.ts';
import type { Logger } from '../logger.ts';
import { queueTaskForReply } from '../tasks/index.ts';
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

    const { enrollment, matchedBy } = match;
    await this.#applyToEnrollment(enrollment, replyId, classification);
    const task = await queueTaskForReply(db, { reply: { _id: replyId }, enrollment, classification }, this.#o.now());
    await db.replies.updateOne(
      { _id: replyId },
      {
        $set: {
          state: 'processed',
          enrollmentId: enrollment._id,
          contactId: enrollment.contactId,
          matchedBy,
          ...decided,
          processedAt: this.#o.now(),
        },
      },
    );
    this.#o.logger.info(
      { replyId, enrollmentId: enrollment._id, matchedBy, intent: classification.intent, taskId: task?._id },
      'reply handled',
    );
    return { kind: 'handled', replyId, enrollmentId: enrollment._id, classification, taskId: task?._id };
  }

  /**
   * Any reply pauses the enrollment at once so no later step goes out while a person reads it;
   * an unsubscribe stops it and suppresses the address for good, a bounce stops it.
   */
  async #applyToEnrollment(enrollment: EnrollmentDoc, replyId: string, classification: Classification): Promise<void> {
    const { db } = this.#o;
    const now = this.#o.now();
    const reason = `reply: ${classification.intent}`;
    if (classification.intent === 'unsubscribe' || classification.intent === 'bounce') {
      await db.enrollments.updateOne(
        { _id: enrollment._id, status: { $in: ['active', 'paused'] } },
        { $set: { status: 'stopped', statusReason: reason, statusReplyId: replyId, nextStepAt: null, updatedAt: now } },
      );
      if (classification.intent === 'unsubscribe') {
        await db.contacts.updateOne(
          { _id: enrollment.contactId },
          { $set: { suppressed: { reason: 'unsubscribe', at: now, replyId }, updatedAt: now } },
        );
      }
      return;
    }
    await db.enrollments.updateOne(
      { _id: enrollment._id, status: 'active' },
      { $set: { status: 'paused', statusReason: reason, statusReplyId: replyId, updatedAt: now } },
    );
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
