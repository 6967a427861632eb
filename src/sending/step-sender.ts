import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { isDuplicateKey, type DeliveryDoc, type EnrollmentDoc, type ParleyCollections } from '../db/index.ts';
import { describeError, isParleyError, ErrorCodes } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { renderStep, type Sequence } from '../sequences/index.ts';
import { stepMessageId } from './message-id.ts';
import type { MailTransport } from './transport.ts';

export interface StepSenderOptions {
  db: ParleyCollections;
  transport: MailTransport;
  /** The current version of a sequence by id; undefined when its file is missing or broken. */
  getSequence: (id: string) => Sequence | undefined;
  logger: Logger;
  messageIdDomain: string;
  /** Milliseconds a claimed attempt belongs to this worker; see SEND_LEASE_MS. */
  leaseMs: number;
  /** Most due enrollments looked at per run. */
  batchSize: number;
  /** Temporary failures (4xx, timeouts) retried this many times in all before the enrollment stops. */
  maxAttempts?: number;
  now?: () => Date;
}

export interface SendRunResult {
  sent: number;
  failed: number;
  /** Claimed elsewhere, paused meanwhile, or sequence missing. */
  skipped: number;
}

type StepOutcome = keyof SendRunResult;

/**
 * Sends every due step exactly once across any number of workers.
 *
 * The guard is an insert, never an update filter: FerretDB v1's findOneAndUpdate is not atomic
 * (STACK-NOTES). Claiming a step inserts the delivery `<enrollment>:<step>#<attempt>`; a
 * duplicate-key error means another worker owns that attempt. A worker that dies mid-send leaves
 * its attempt `sending`; once its lease has run out the next worker claims attempt + 1, with the
 * same Message-ID.
 *
 * The one window that can still produce two copies: the SMTP server accepted the message and the
 * worker died before recording it. We resend rather than risk losing a step; the identical
 * Message-ID lets receivers and mail clients fold the copies into one.
 */
export class StepSender {
  readonly #o: Required<StepSenderOptions>;
  readonly #worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  constructor(options: StepSenderOptions) {
    this.#o = { maxAttempts: 5, now: () => new Date(), ...options };
  }

  /** One pass over the due enrollments. Safe to run concurrently, in one process or many. */
  async runOnce(): Promise<SendRunResult> {
    const result: SendRunResult = { sent: 0, failed: 0, skipped: 0 };
    const due = await this.#o.db.enrollments
      .find({ status: 'active', nextStepAt: { $lte: this.#o.now() } })
      .sort({ nextStepAt: 1 })
      .limit(this.#o.batchSize)
      .toArray();
    for (const enrollment of due) {
      result[await this.#sendStep(enrollment)] += 1;
    }
    return result;
  }

  async #sendStep(enrollment: EnrollmentDoc): Promise<StepOutcome> {
    const { db, logger } = this.#o;
    const log = logger.child({ enrollmentId: enrollment._id, sequenceId: enrollment.sequenceId });
    const sequence = this.#o.getSequence(enrollment.sequenceId);
    if (!sequence) {
      // Kept active, not failed: the step goes out once the file is back or fixed.
      log.warn('sequence not loaded; step waits');
      return 'skipped';
    }
    const step = sequence.steps[enrollment.nextStepIndex];
    if (!step) {
      await this.#advance(enrollment, sequence, undefined);
      return 'skipped';
    }

    const attempts = await db.deliveries.find({ enrollmentId: enrollment._id, stepId: step.id }).sort({ attempt: -1 }).toArray();
    if (attempts.some((a) => a.state === 'sent')) {
      // Sent, but the worker stopped before moving the enrollment on: finish that, send nothing.
      const sent = attempts.find((a) => a.state === 'sent');
      await this.#advance(enrollment, sequence, sent);
      return 'skipped';
    }
    const latest = attempts[0];
    if (latest?.state === 'sending' && latest.leaseUntil > this.#o.now()) return 'skipped';
    const attempt = (latest?.attempt ?? 0) + 1;

    const contact = await db.contacts.findOne({ _id: enrollment.contactId });
    if (!contact || contact.suppressed) {
      await this.#stop(enrollment, contact?.suppressed ? `contact suppressed (${contact.suppressed.reason})` : 'contact deleted');
      return 'skipped';
    }
    let rendered;
    try {
      rendered = await renderStep(sequence, step.index, contact);
    } catch (error) {
      log.error({ err: describeError(error), stepId: step.id }, 'step cannot be rendered; step waits for a fixed sequence');
      return 'skipped';
    }
    const inThread = rendered.isReply && enrollment.threadMessageIds.length > 0;
    const now = this.#o.now();
    const delivery: DeliveryDoc = {
      _id: `${enrollment._id}:${step.id}#${attempt}`,
      enrollmentId: enrollment._id,
      stepId: step.id,
      stepIndex: step.index,
      attempt,
      state: 'sending',
      worker: this.#worker,
      leaseUntil: new Date(now.getTime() + this.#o.leaseMs),
      messageId: stepMessageId(enrollment._id, step.id, this.#o.messageIdDomain),
      from: sequence.sender.address,
      to: enrollment.email,
      subject: inThread && enrollment.threadSubject ? `Re: ${enrollment.threadSubject}` : rendered.subject,
      text: rendered.text,
      ...(inThread && { inReplyTo: enrollment.threadMessageIds.at(-1) }),
      references: inThread ? enrollment.threadMessageIds : [],
      claimedAt: now,
    };
    try {
      await db.deliveries.insertOne(delivery);
    } catch (error) {
      if (isDuplicateKey(error)) return 'skipped';
      throw error;
    }

    // A reply may have paused the enrollment between our read and our claim: look again, after it.
    const current = await db.enrollments.findOne({ _id: enrollment._id });
    if (current?.status !== 'active' || current.nextStepIndex !== step.index) {
      await db.deliveries.updateOne({ _id: delivery._id, state: 'sending' }, { $set: { state: 'abandoned' } });
      log.info({ stepId: step.id, status: current?.status }, 'enrollment changed before sending; step not sent');
      return 'skipped';
    }

    let receipt;
    try {
      receipt = await this.#o.transport.send({
        from: sequence.sender,
        to: delivery.to,
        subject: delivery.subject,
        text: delivery.text,
        messageId: delivery.messageId,
        inReplyTo: delivery.inReplyTo,
        references: delivery.references,
      });
    } catch (error) {
      await this.#recordFailure(current, delivery, error);
      return 'failed';
    }
    // From here a database error propagates: the attempt stays `sending` and is taken over (and
    // resent with the same Message-ID) after its lease, the documented window above.
    const sentAt = this.#o.now();
    await db.deliveries.updateOne({ _id: delivery._id }, { $set: { state: 'sent', smtpResponse: receipt.response, sentAt } });
    await this.#advance(current, sequence, { ...delivery, sentAt });
    log.info({ stepId: step.id, attempt, messageId: delivery.messageId }, 'step sent');
    return 'sent';
  }

  /** Moves the enrollment past the step just sent; the filter on the step index makes a repeat a no-op. */
  async #advance(enrollment: EnrollmentDoc, sequence: Sequence, sent: Pick<DeliveryDoc, 'messageId' | 'subject' | 'stepIndex' | 'sentAt'> | undefined) {
    const nextIndex = enrollment.nextStepIndex + 1;
    const next = sequence.steps[nextIndex];
    const base = sent?.sentAt ?? this.#o.now();
    const update: Partial<EnrollmentDoc> = {
      nextStepIndex: Math.min(nextIndex, sequence.steps.length),
      nextStepAt: next ? new Date(base.getTime() + next.waitMs) : null,
      updatedAt: this.#o.now(),
      ...(sent && enrollment.threadMessageIds.length === 0 && { threadSubject: sent.subject }),
      ...(!next && enrollment.status === 'active' && { status: 'completed' as const }),
    };
    await this.#o.db.enrollments.updateOne(
      { _id: enrollment._id, nextStepIndex: enrollment.nextStepIndex },
      { $set: update, ...(sent && { $push: { threadMessageIds: sent.messageId } }) },
    );
  }

  async #recordFailure(enrollment: EnrollmentDoc, delivery: DeliveryDoc, error: unknown) {
    // Anything the transport throws that it did not classify is treated as temporary: retry, don't stop.
    const permanent = isParleyError(error) && !error.retryable;
    const code = isParleyError(error) ? error.code : ErrorCodes.SMTP_TEMPORARY;
    const message = describeError(error);
    await this.#o.db.deliveries.updateOne(
      { _id: delivery._id },
      { $set: { state: 'failed', error: { code, message, permanent } } },
    );
    const log = this.#o.logger.child({ enrollmentId: enrollment._id, stepId: delivery.stepId, attempt: delivery.attempt });
    if (permanent || delivery.attempt >= this.#o.maxAttempts) {
      log.warn({ code, err: message }, 'step failed for good; enrollment stopped');
      await this.#stop(enrollment, `send failed: ${message}`);
      return;
    }
    // Back off 1, 2, 4, 8 ... minutes before the next attempt.
    const retryAt = new Date(this.#o.now().getTime() + 60_000 * 2 ** (delivery.attempt - 1));
    log.warn({ code, err: message, retryAt }, 'step failed for now; will retry');
    await this.#o.db.enrollments.updateOne(
      { _id: enrollment._id, status: 'active', nextStepIndex: enrollment.nextStepIndex },
      { $set: { nextStepAt: retryAt, updatedAt: this.#o.now() } },
    );
  }

  async #stop(enrollment: EnrollmentDoc, reason: string) {
    await this.#o.db.enrollments.updateOne(
      { _id: enrollment._id, status: 'active' },
      { $set: { status: 'stopped', statusReason: reason, nextStepAt: null, updatedAt: this.#o.now() } },
    );
  }
}
