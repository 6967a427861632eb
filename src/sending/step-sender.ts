import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  contactStore,
  deliveryStore,
  enrollmentStore,
  senderClaimStore,
  slotId,
  type ContactDoc,
  type DeliveryDoc,
  type DeliveryStore,
  type EnrollmentDoc,
  type EnrollmentStore,
  type ParleyCollections,
  type SenderClaimStore,
} from '../db/index.ts';
import { ConversationHold, DEFAULT_CONVERSATION_WAIT_MS } from '../conversations/index.ts';
import { changeEnrollment, nextStep, stepDueTime, type EnrollmentEvent } from '../enrollments/index.ts';
import { describeError, isParleyError, ErrorCodes } from '../errors.ts';
import { OWN_EVENTS, recordOwnEvent } from '../events/index.ts';
import type { Logger } from '../logger.ts';
import { NO_SEND_METRICS, type SendMetrics } from '../monitoring/index.ts';
import type { MailboxCaps } from '../mailboxes/index.ts';
import { chooseVariant, sendersOf, type Sequence, type SequenceSender, type SequenceStep } from '../sequences/index.ts';
import { enrollmentSender } from './enrollment-sender.ts';
import { composeStep } from './compose.ts';
import { SendGate } from './send-gate.ts';
import type { MailTransport } from './transport.ts';

export interface StepSenderOptions {
  db: ParleyCollections;
  transport: MailTransport;
  /** The current version of a sequence by id; undefined when its file is missing or broken. */
  getSequence: (id: string) => Sequence | undefined;
  logger: Logger;
  /** MESSAGE_ID_DOMAIN; each sequence's sender domain when undefined. */
  messageIdDomain: string | undefined;
  /** Milliseconds a claimed attempt belongs to this worker; see SEND_LEASE_MS. */
  leaseMs: number;
  /** Most due enrollments looked at per run. */
  batchSize: number;
  /** Steps of one run in flight at once (SEND_CONCURRENCY); 1 sends them one after another. */
  concurrency?: number;
  /** Needed by sequences with `list_unsubscribe`: where the one-click link points and its signing key. */
  unsubscribe?: { baseUrl: string; secret: string } | undefined;
  /** Milliseconds a rep's answer keeps the contact's conversation open (CONVERSATION_WAIT_MS); default 7 days. */
  conversationWaitMs?: number;
  /** Temporary failures (4xx, timeouts) retried this many times in all before the enrollment stops. */
  maxAttempts?: number;
  /** Where sends, failures, deferrals and skips are counted (the worker's /metrics); nothing by default. */
  metrics?: SendMetrics | undefined;
  /** A mailbox's caps from MAILBOXES_FILE, which win over the sequence policy's; undefined: the policy's. */
  mailboxCaps?: ((address: string) => MailboxCaps | undefined) | undefined;
  now?: () => Date;
}

export interface SendRunResult {
  sent: number;
  failed: number;
  /** Claimed elsewhere, paused meanwhile, sequence missing, or the step skipped for this contact. */
  skipped: number;
  /** Outside the contact's send window, over a cap, or held while the contact is in a conversation: moved to a later time. */
  deferred: number;
}

/** `paused`: its mailbox's login is refused for now; the step stays due and counts nowhere. */
type StepOutcome = keyof SendRunResult | 'paused';

/**
 * Sends every due step exactly once across any number of workers.
 *
 * The guard is an insert, never an update filter: FerretDB v1's findOneAndUpdate is not atomic
 * (STACK-NOTES). Claiming a step inserts the send claim `<enrollment>:<step>#<attempt>`; a
 * duplicate-key error means another worker owns that attempt. Its outcome is inserted as the
 * delivery of the same id once known (nothing here updates either: FerretDB v1 scans the whole
 * collection for every update). A worker that dies mid-send leaves a claim without a delivery;
 * once its lease has run out the next worker claims attempt + 1, with the
 * same Message-ID.
 *
 * The one window that can still produce two copies: the SMTP server accepted the message and the
 * worker died before recording it. We resend rather than risk losing a step; the identical
 * Message-ID lets receivers and mail clients fold the copies into one.
 */
export class StepSender {
  readonly #o: StepSenderOptions & Required<Pick<StepSenderOptions, 'maxAttempts' | 'now' | 'concurrency' | 'conversationWaitMs'>>;
  readonly #worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly #metrics: SendMetrics;
  readonly #enrollments: EnrollmentStore;
  readonly #deliveries: DeliveryStore;
  readonly #senderClaims: SenderClaimStore;
  /** Per login (MailTransport.loginOf), set while the SMTP server refuses it: nothing from it is claimed until `until`. */
  readonly #loginPauses = new Map<string, { until: Date; refusals: number }>();

  constructor(options: StepSenderOptions) {
    this.#o = { maxAttempts: 5, now: () => new Date(), concurrency: 1, conversationWaitMs: DEFAULT_CONVERSATION_WAIT_MS, ...options };
    this.#metrics = options.metrics ?? NO_SEND_METRICS;
    this.#enrollments = enrollmentStore(options.db);
    this.#deliveries = deliveryStore(options.db);
    this.#senderClaims = senderClaimStore(options.db);
  }

  /**
   * One pass over the due enrollments. Safe to run concurrently, in one process or many. Once
   * `stopping` is aborted no step is claimed any more: steps in flight finish, the rest stay due
   * for the next run (of this worker or another).
   */
  async runOnce(stopping?: AbortSignal): Promise<SendRunResult> {
    const result: SendRunResult = { sent: 0, failed: 0, skipped: 0, deferred: 0 };
    // Without a pool one login sends everything: while it is refused nothing is read or claimed.
    if (!this.#o.transport.loginOf && this.#loginPaused('')) return result;
    const due = await this.#enrollments.due(this.#o.now(), this.#o.batchSize);
    if (due.length === 0) return result;
    // Workers that read the same batch at once would all race for its first enrollment: in a
    // shuffled order each mostly claims different ones, so more workers send more.
    shuffle(due);
    // Every mailbox a step of the batch may go out from: an enrollment's own, or its pool's.
    const mailboxes = new Set<string>();
    for (const e of due) {
      const sequence = this.#o.getSequence(e.sequenceId);
      if (e.sender) mailboxes.add(e.sender.address);
      else if (sequence) for (const s of sendersOf(sequence)) mailboxes.add(s.address);
    }
    const [gate, conversations] = await Promise.all([
      SendGate.open(this.#o.db, { contacts: [...new Set(due.map((e) => e.email))], mailboxes: [...mailboxes] }, this.#o.now(), {
        exactWithin: this.#o.batchSize * 8,
        capsOf: this.#o.mailboxCaps,
      }),
      ConversationHold.open(
        this.#o.db,
        due.map((e) => e.contactId),
        this.#o.now(),
        this.#o.conversationWaitMs,
      ),
    ]);
    // Every login the batch could use refused: stop (the next run looks again), as with one login.
    const allPaused = () => mailboxes.size > 0 && [...mailboxes].every((m) => this.#loginPaused(this.#loginOf(m)));
    if (allPaused()) return result;
    // Each step waits mostly on the database and the SMTP server, so a few in flight at once keep
    // both busy. Steps of one run are independent enrollments; the gate serializes the caps.
    const queue = [...due];
    let failure: { error: unknown } | undefined;
    const lane = async () => {
      for (let enrollment = queue.shift(); enrollment && !failure && !stopping?.aborted && !allPaused(); enrollment = queue.shift()) {
        try {
          const outcome = await this.#processEnrollment(enrollment, { gate, conversations }, stopping);
          if (outcome === 'paused') continue;
          result[outcome] += 1;
          this.#count(outcome, enrollment.sequenceId);
        } catch (error) {
          // The first error ends the run (as with one lane); steps already in flight finish.
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.#o.concurrency, due.length)) }, lane));
    if (failure) throw failure.error;
    return result;
  }

  #count(outcome: StepOutcome, sequenceId: string): void {
    if (outcome === 'sent') this.#metrics.stepSent(sequenceId);
    else if (outcome === 'deferred') this.#metrics.stepDeferred(sequenceId);
    else if (outcome === 'skipped') this.#metrics.stepSkipped(sequenceId);
    // 'failed' is counted in #recordFailure, which knows whether it was temporary or permanent.
  }

  async #processEnrollment(
    enrollment: EnrollmentDoc,
    { gate, conversations }: { gate: SendGate; conversations: ConversationHold },
    stopping: AbortSignal | undefined,
  ): Promise<StepOutcome> {
    const { db, logger } = this.#o;
    // As the batch read it, not read again: a step another worker sent since then shows in the
    // attempts below, and a reply that paused the enrollment in the read after the claim.
    if (enrollment.status !== 'active' || !enrollment.nextStepAt || enrollment.nextStepAt > this.#o.now()) return 'skipped';
    const log = logger.child({ enrollmentId: enrollment._id, sequenceId: enrollment.sequenceId });
    const sequence = this.#o.getSequence(enrollment.sequenceId);
    if (!sequence) {
      // Kept active, not failed: the step goes out once the file is back or fixed.
      log.warn('sequence not loaded; step waits');
      return 'skipped';
    }
    const contact = await contactStore(db).get(enrollment.contactId);
    if (!contact || contact.suppressed) {
      await this.#change(enrollment, {
        kind: 'stopped',
        cause: 'contact_unavailable',
        reason: contact?.suppressed ? `contact suppressed (${contact.suppressed.reason})` : 'contact deleted',
      });
      return 'skipped';
    }
    const step = nextStep(sequence, enrollment.passedStepIds);
    if (!step) {
      await this.#change(enrollment, { kind: 'completed' });
      return 'skipped';
    }

    const attempts = await this.#deliveries.attempts(enrollment._id, step.id);
    const sent = attempts.find((a) => a.delivery?.state === 'sent')?.delivery;
    if (sent) {
      // Sent, but the worker stopped before moving the enrollment on: finish that, send nothing.
      await this.#recordSent(sent, contact, sequence);
      await this.#pass(enrollment, sequence, contact, step, { sent });
      return 'skipped';
    }
    const latest = attempts[0];
    // Attempts the server refused our login for were not the step's: they count towards no limit.
    const refusedLogins = attempts.filter((a) => a.delivery?.error?.code === ErrorCodes.SMTP_LOGIN_REFUSED).length;
    if (latest && (latest.delivery?.state ?? 'sending') === 'sending' && latest.claim.leaseUntil > this.#o.now()) return 'skipped';

    // One conversation per person: while the contact talks with a rep (in this or any sequence),
    // the step waits, unclaimed, so it can't go out twice or get lost (docs/WRITING-SEQUENCES.md).
    const hold = conversations.holding(sequence, contact._id, this.#o.now());
    if (hold) {
      await this.#change(enrollment, { kind: 'step_held', stepId: step.id, taskId: hold.conversation.taskId, until: hold.until });
      log.info({ stepId: step.id, taskId: hold.conversation.taskId, until: hold.until }, 'contact in a conversation; step held');
      return 'deferred';
    }

    // The mailbox this step goes out from: the enrollment's own for its whole thread (a pool's is
    // given at the first send), never another one because its own is over a cap.
    const from = await this.#senderOf(enrollment, sequence, contact, gate, step.id);
    if ('paused' in from) return 'paused';
    if ('allowedAt' in from) {
      for (const mailbox of from.full) this.#metrics.mailboxCapDeferred?.(mailbox);
      await this.#change(enrollment, { kind: 'step_deferred', stepId: step.id, until: from.allowedAt });
      log.debug({ stepId: step.id, allowedAt: from.allowedAt, full: from.full }, 'outside the send window or over a cap; deferred');
      return 'deferred';
    }
    const sender = from.sender;

    // Chosen from the ids alone, so every attempt of this step writes the same text.
    const variant = chooseVariant(step, enrollment._id)?.id;
    const composed = await composeStep({
      sequence,
      step,
      contact,
      enrollment,
      messageIdDomain: this.#o.messageIdDomain,
      unsubscribe: this.#o.unsubscribe,
      variantId: variant,
      sender,
    });
    if (!composed.ok) {
      await this.#pass(enrollment, sequence, contact, step, { skipReason: composed.reason });
      log.info({ stepId: step.id, reason: composed.reason }, 'step skipped for this contact');
      return 'skipped';
    }
    const message = composed.message;
    const now = this.#o.now();
    const attempt = (latest?.claim.attempt ?? 0) + 1;
    const delivery: DeliveryDoc = {
      _id: slotId(`${enrollment._id}:${step.id}`, attempt),
      enrollmentId: enrollment._id,
      stepId: step.id,
      stepIndex: step.index,
      attempt,
      state: 'sending',
      worker: this.#worker,
      leaseUntil: new Date(now.getTime() + this.#o.leaseMs),
      messageId: message.messageId,
      from: message.from.address,
      to: message.to,
      subject: message.subject,
      text: message.text,
      inReplyTo: message.inReplyTo,
      references: [...message.references],
      claimedAt: now,
      ...(variant !== undefined && { variant }),
    };
    // Stopping: the step stays due, unclaimed, for the next run. Checked last before the claim,
    // since everything above may have waited on a slow database.
    if (stopping?.aborted) return 'skipped';
    // Another worker took this attempt first: it owns the step now.
    if (!(await this.#deliveries.claim(delivery))) return 'skipped';

    // A reply may have paused the enrollment between our read and our claim: look again, after it.
    const current = await this.#enrollments.get(enrollment._id);
    if (current?.status !== 'active' || current.passedStepIds.includes(step.id)) {
      await this.#deliveries.recordAbandoned(delivery);
      log.info({ stepId: step.id, status: current?.status }, 'enrollment changed before sending; step not sent');
      return 'skipped';
    }

    let receipt;
    try {
      receipt = await this.#o.transport.send(message);
    } catch (error) {
      await this.#recordFailure(current, delivery, error, refusedLogins);
      return 'failed';
    }
    if (this.#loginPauses.delete(this.#loginOf(message.from.address))) {
      this.#o.logger.info({ mailbox: message.from.address }, 'the SMTP server accepts the login again; sending resumed');
    }
    // From here a database error propagates: the claim stays without an outcome and is taken over (and
    // resent with the same Message-ID) after its lease, the documented window above.
    const sentAt = this.#o.now();
    await this.#deliveries.recordSent(delivery, receipt.response, sentAt);
    this.#metrics.mailboxSent?.(delivery.from);
    // The event before the enrollment moves on: a crash between them is finished by the `sent` branch above.
    await this.#recordSent({ ...delivery, sentAt }, contact, sequence);
    await this.#pass(current, sequence, contact, step, { sent: { ...delivery, sentAt } });
    log.info({ stepId: step.id, attempt: delivery.attempt, messageId: delivery.messageId }, 'step sent');
    return 'sent';
  }

  /**
   * The enrollment's sender with room reserved under its caps, or when the step may go out
   * (outside the window, or its mailbox over a cap: `full` names the mailboxes that turned it away).
   *
   * A pool enrollment without a sender is given one here: the gate picks a pool mailbox with room
   * (fewest sends in the last day), and a unique insert in `sender_claims` makes it the
   * enrollment's for good. Two workers may pick differently; the first insert wins and both use
   * it, so a step (whose send claim comes after) never goes out from two mailboxes. A takeover or
   * a retry finds the claim and reuses it.
   */
  async #senderOf(
    enrollment: EnrollmentDoc,
    sequence: Sequence,
    contact: ContactDoc,
    gate: SendGate,
    stepId: string,
  ): Promise<{ sender: SequenceSender } | { allowedAt: Date; full: string[] } | { paused: true }> {
    const now = this.#o.now();
    const paused = (address: string) => this.#loginPaused(this.#loginOf(address));
    // The send claim's id without its attempt: the gate tells this run's reservations from claims by it.
    const step = `${enrollment._id}:${stepId}`;
    const reserveFor = async (sender: SequenceSender) => {
      // Its mailbox's login is refused: the step waits for it (never another mailbox mid-thread).
      if (paused(sender.address)) return { paused: true as const };
      const allowedAt = await gate.reserve(sequence, contact, now, sender.address, step);
      if (!allowedAt) return { sender };
      return { allowedAt, full: gate.mailboxFull(sequence, sender.address, now) ? [sender.address] : [] };
    };
    if (!sequence.senders || enrollment.sender) return reserveFor(enrollmentSender(sequence, enrollment));

    const claim = (address: string) => {
      const entry = sequence.senders?.find((s) => s.address === address);
      return this.#senderClaims.claim({
        _id: enrollment._id,
        address,
        name: entry?.name ?? sequence.sender.name,
        sequenceId: sequence.id,
        claimedAt: now,
      });
    };
    // A thread begun before the file had a pool (or whose copy on the enrollment was not written)
    // stays with the mailbox it began from.
    const earlier = enrollment.threadMessageIds.length > 0 ? await this.#deliveries.lastSentInThread(enrollment._id) : null;
    if (earlier) return reserveFor(enrollmentSender(sequence, { sender: await claim(earlier.from) }));
    // A new thread starts from a mailbox whose login works.
    if (sequence.senders.every((s) => paused(s.address))) return { paused: true };
    const choice = await gate.reservePool(
      sequence,
      contact,
      now,
      enrollment._id,
      sequence.senders.flatMap((s) => (paused(s.address) ? [] : [s.address])),
      step,
    );
    if ('allowedAt' in choice) return { allowedAt: choice.allowedAt, full: choice.full };
    const given = await claim(choice.address);
    const sender = enrollmentSender(sequence, { sender: given });
    // Another worker's choice won: its mailbox must have room too (ours stays reserved this run, erring low).
    return given.address === choice.address ? { sender } : reserveFor(sender);
  }

  /**
   * Moves the enrollment past a step, sent or skipped, and schedules the next one. The guard on
   * the step id makes a repeat (a takeover, a second worker) a no-op.
   */
  async #pass(
    enrollment: EnrollmentDoc,
    sequence: Sequence,
    contact: ContactDoc,
    step: SequenceStep,
    how: { sent: Pick<DeliveryDoc, 'messageId' | 'subject' | 'inReplyTo' | 'sentAt'> } | { skipReason: string },
  ): Promise<void> {
    const next = nextStep(sequence, [...enrollment.passedStepIds, step.id]);
    const sent = 'sent' in how ? how.sent : undefined;
    await this.#change(enrollment, {
      kind: 'step_passed',
      stepId: step.id,
      nextStepAt: next ? stepDueTime(sequence, next, sent?.sentAt ?? this.#o.now(), contact.timeZone) : null,
      ...(sent && { sent: { messageId: sent.messageId, subject: sent.subject, inReplyTo: sent.inReplyTo } }),
      ...('skipReason' in how && { skipReason: how.skipReason }),
    });
  }

  #loginOf(address: string): string {
    return this.#o.transport.loginOf?.(address) ?? '';
  }

  #loginPaused(login: string): boolean {
    const pause = this.#loginPauses.get(login);
    return pause !== undefined && this.#o.now() < pause.until;
  }

  /**
   * Stops claiming steps for a while: every send would be refused the same way, and a server that
   * sees a login fail every few seconds may block the address. The pause grows with each refusal
   * in a row (30 s, 1, 2 ... 15 min, with jitter so workers do not retry together).
   */
  #pauseForLogin(mailbox: string, reason: string): void {
    const login = this.#loginOf(mailbox);
    if (this.#loginPaused(login)) return; // a send in flight when the pause began: the same refusal
    const refusals = (this.#loginPauses.get(login)?.refusals ?? 0) + 1;
    const pauseMs = Math.min(LOGIN_PAUSE_MAX_MS, LOGIN_PAUSE_MS * 2 ** (refusals - 1)) * (0.8 + Math.random() * 0.4);
    const until = new Date(this.#o.now().getTime() + pauseMs);
    this.#loginPauses.set(login, { until, refusals });
    this.#o.logger.error(
      { code: ErrorCodes.SMTP_LOGIN_REFUSED, until, refusals, reason, ...(login !== '' && { mailbox: login }) },
      'SMTP login refused: sending paused; no enrollment is stopped',
    );
  }

  /** A lifecycle change decided on the enrollment as read; refused or overtaken changes write nothing (someone else moved it first). */
  async #change(enrollment: EnrollmentDoc, event: EnrollmentEvent): Promise<void> {
    await changeEnrollment(this.#o.db, enrollment, event, this.#o.now());
  }

  /** The `email_sent` event; keyed by the delivery, so recording it again changes nothing. */
  async #recordSent(delivery: DeliveryDoc, contact: ContactDoc, sequence: Sequence): Promise<void> {
    await recordOwnEvent(this.#o.db, {
      type: OWN_EVENTS.sent,
      key: delivery._id,
      contactId: contact._id,
      at: delivery.sentAt ?? this.#o.now(),
      sequenceId: sequence.id,
      stepId: delivery.stepId,
      enrollmentId: delivery.enrollmentId,
      props: { attempt: String(delivery.attempt), ...(delivery.variant !== undefined && { variant: delivery.variant }) },
    });
  }

  async #recordFailure(enrollment: EnrollmentDoc, delivery: DeliveryDoc, error: unknown, refusedLogins: number) {
    // Anything the transport throws that it did not classify is treated as temporary: retry, don't stop.
    const permanent = isParleyError(error) && !error.retryable;
    const code = isParleyError(error) ? error.code : ErrorCodes.SMTP_TEMPORARY;
    const message = describeError(error);
    this.#metrics.sendFailed(enrollment.sequenceId, permanent ? 'permanent' : 'temporary');
    await this.#deliveries.recordFailed(delivery, { code, message, permanent });
    // A refused login says nothing about this step: it stays due as it was, and sending pauses.
    if (code === ErrorCodes.SMTP_LOGIN_REFUSED) {
      this.#pauseForLogin(delivery.from, message);
      return;
    }
    const log = this.#o.logger.child({ enrollmentId: enrollment._id, stepId: delivery.stepId, attempt: delivery.attempt });
    const attempt = delivery.attempt - refusedLogins;
    if (permanent || attempt >= this.#o.maxAttempts) {
      log.warn({ code, err: message }, 'step failed for good; enrollment stopped');
      await this.#change(enrollment, { kind: 'stopped', cause: 'send_failed', reason: `send failed: ${message}` });
      return;
    }
    // Back off 1, 2, 4, 8 ... minutes before the next attempt.
    const retryAt = new Date(this.#o.now().getTime() + 60_000 * 2 ** (attempt - 1));
    log.warn({ code, err: message, retryAt }, 'step failed for now; will retry');
    await this.#change(enrollment, { kind: 'step_deferred', stepId: delivery.stepId, until: retryAt });
  }
}

/** The first pause after a refused login; each refusal in a row doubles it, up to LOGIN_PAUSE_MAX_MS. */
const LOGIN_PAUSE_MS = 30_000;
const LOGIN_PAUSE_MAX_MS = 15 * 60_000;

/** Fisher-Yates, in place. */
function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
