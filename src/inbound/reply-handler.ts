import { answerQuestion, type BounceReason, type Classification, type ReplyAnalysis } from '../classify/index.ts';
import {
  contactStore,
  replyStore,
  type ContactDoc,
  type ParleyCollections,
  type ReplyDoc,
  type SenderAuthentication,
} from '../db/index.ts';
import { OWN_EVENTS, recordOwnEvent } from '../events/index.ts';
import type { Logger } from '../logger.ts';
import { NO_INBOUND_METRICS, secondsSince, type InboundMetrics } from '../monitoring/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { queueTaskForReply, queueTriageTask, taskPreview, type TaskSettings } from '../tasks/index.ts';
import { applyOutcome, decideOutcome } from './apply-outcome.ts';
import { requireSender, type InboundMessage } from './inbound-message.ts';
import type { TrainedIntentModel } from './message-analysis.ts';
import { inProcessAnalyzer, type MessageAnalyzer } from './message-analyzer.ts';
import { isOwnMessage, matchEnrollment, type EnrollmentMatch } from './match.ts';
import { holdForPerson, senderConcernFor } from './sender-trust.ts';
import { enrollReferred, referralPlan, referredPerson, rememberReferral } from './referral.ts';
import { triageSender } from './triage-rule.ts';

/** Where a message sits in the mailbox. */
export interface MessageOrigin {
  mailbox: string;
  uidValidity: string;
  uid: number;
}

export type ReplyOutcome =
  | { kind: 'handled'; replyId: string; enrollmentId: string; classification: Classification; taskId: string | undefined }
  | { kind: 'unmatched'; replyId: string; classification: Classification; triageTaskId?: string | undefined }
  | { kind: 'duplicate'; replyId: string }
  | { kind: 'own' };

export interface ReplyHandlerOptions {
  db: ParleyCollections;
  logger: Logger;
  /** Addresses Parley sends from: mail from them is a copy of our own, not a reply. */
  ownAddresses: () => ReadonlySet<string>;
  /** The current version of a sequence, for the outcomes its file chose. */
  getSequence: (id: string) => Sequence | undefined;
  /** Response-time targets for new tasks (config.tasks); the defaults otherwise. */
  taskSettings?: TaskSettings | undefined;
  /** The newest trained intent model, when one has been trained from reps' corrections; else the built-in one. */
  model?: () => TrainedIntentModel | undefined;
  /**
   * Where a message is parsed and classified: the worker passes analysis threads (ThreadedAnalyzer),
   * so hostile mail never blocks its event loop. On the caller's thread by default.
   */
  analyzer?: MessageAnalyzer | undefined;
  /** Authentication-Results authserv-ids to trust (config.authservIds); none by default. */
  authservIds?: readonly string[] | undefined;
  /** Where handled replies (intent, outcome, duration) are counted (the worker's /metrics); nothing by default. */
  metrics?: InboundMetrics | undefined;
  now?: () => Date;
}

/**
 * Turns one raw message into its effects, idempotently: the reply's id comes from its Message-ID
 * (or its source hash), so a message fetched twice (restart, UIDVALIDITY reset) is handled once,
 * and a handling cut off half-way is finished by the next fetch.
 */
export class ReplyHandler {
  readonly #o: ReplyHandlerOptions & Required<Pick<ReplyHandlerOptions, 'now'>>;
  readonly #metrics: InboundMetrics;

  constructor(options: ReplyHandlerOptions) {
    this.#o = { now: () => new Date(), ...options };
    this.#metrics = options.metrics ?? NO_INBOUND_METRICS;
  }

  async handle(source: Buffer, origin: MessageOrigin): Promise<ReplyOutcome> {
    const started = performance.now();
    const { db } = this.#o;
    // The analysis finds a bounce's returned Message-ID; once the enrollment is known, the question
    // its step asked says what answer to extract from it.
    const trained = this.#o.model?.();
    const analyzer = this.#o.analyzer ?? inProcessAnalyzer;
    const { message, visibleText, analysis: unasked, authentication } = await analyzer.analyze(source, trained, this.#o.authservIds);
    requireSender(message, unasked.bounce !== undefined);
    if (await isOwnMessage(db, message, this.#o.ownAddresses())) return { kind: 'own' };

    const replyId = message.messageId ? `mid:${message.messageId}` : `sha256:${message.sourceHash}`;
    const replies = replyStore(db);
    // Insert first: a new message (the usual case) costs one command, not a read and a write.
    if ((await replies.receive(this.#replyDoc(replyId, message, origin, visibleText, authentication))) === 'duplicate') {
      // Seen before: done (a refetch, a copy), or cut off half-way ('received'), which this finishes.
      const existing = await replies.get(replyId);
      if (existing?.state !== 'received') return { kind: 'duplicate', replyId };
    }

    const match = await matchEnrollment(db, message, unasked.bounce);
    const asks = match && this.#o.getSequence(match.enrollment.sequenceId)?.steps.find((s) => s.id === match.stepId)?.asks;
    const analysis = asks ? answerQuestion(unasked, asks) : unasked;
    const { classification } = analysis;
    const decided = {
      intent: classification.intent,
      confidence: classification.confidence,
      explanation: classification.explanation,
      analysis: storedAnalysis(analysis, trained?.version),
    };
    if (!match) {
      // A person writing from an address with no enrollment: a rep triages it (src/tasks/triage.ts).
      // It changes nobody's conversation; automatic mail is only recorded.
      const sender = triageSender(message, analysis);
      const triage = sender
        ? await queueTriageTask(
            db,
            {
              reply: { _id: replyId, receivedAt: this.#o.now() },
              sender,
              classification,
              preview: taskPreview({ fromName: message.fromName, text: visibleText }),
            },
            this.#o.now(),
            this.#o.taskSettings,
          )
        : undefined;
      await replies.markUnmatched(replyId, decided, this.#o.now());
      if (unasked.bounce) {
        this.#o.logger.warn(
          { replyId, recipient: unasked.bounce.recipient, cites: unasked.bounce.originalMessageId ?? null },
          'delivery report cites no message Parley sent to that address; recorded, nothing changed',
        );
      } else this.#o.logger.info({ replyId, intent: classification.intent, triageTaskId: triage?._id }, 'reply matches no enrollment');
      this.#metrics.replyHandled(classification.intent, 'unmatched', secondsSince(started));
      return { kind: 'unmatched', replyId, classification, triageTaskId: triage?._id };
    }
    const { outcome, taskId, senderConcern } = await this.#act(match, replyId, message, analysis, authentication);
    await replies.markProcessed(
      replyId,
      {
        enrollmentId: match.enrollment._id,
        contactId: match.enrollment.contactId,
        matchedBy: match.matchedBy,
        stepId: match.stepId,
        outcome,
        ...(senderConcern && { senderConcern }),
      },
      decided,
      this.#o.now(),
    );
    this.#o.logger.info(
      {
        replyId,
        enrollmentId: match.enrollment._id,
        matchedBy: match.matchedBy,
        intent: classification.intent,
        outcome,
        taskId,
        ...(senderConcern && { sender: senderConcern.reason }),
      },
      'reply handled',
    );
    this.#metrics.replyHandled(classification.intent, outcome, secondsSince(started));
    return { kind: 'handled', replyId, enrollmentId: match.enrollment._id, classification, taskId };
  }

  /** Applies the sequence's outcome for the reply, records what it revealed about the contact, and queues a task. */
  async #act(
    match: EnrollmentMatch,
    replyId: string,
    message: InboundMessage,
    analysis: ReplyAnalysis,
    authentication: SenderAuthentication,
  ) {
    const { db } = this.#o;
    const { enrollment, stepId } = match;
    const now = this.#o.now();
    const contact = await contactStore(db).get(enrollment.contactId);
    // Someone who may not act for the contact changes nothing by themselves: a person decides (sender-trust.ts).
    const senderConcern = senderConcernFor({
      matchedBy: match.matchedBy,
      fromAddresses: message.fromAddresses,
      contactAddresses: [contact?.email, enrollment.email],
      authentication,
    });
    const decided = decideOutcome({
      sequence: this.#o.getSequence(enrollment.sequenceId),
      getSequence: this.#o.getSequence,
      stepId,
      classification: analysis.classification,
      visibleText: analysis.visibleText,
      written: message.date && message.date < now ? message.date : now,
      now,
      contact,
      nextStepAt: enrollment.nextStepAt,
      bounce: analysis.bounce,
      datesRead: { returnDate: analysis.returnDate, namedDate: analysis.namedDate },
    });
    const sequence = this.#o.getSequence(enrollment.sequenceId);
    const person = referredPerson(analysis.referral, analysis.visibleText);
    // A referral acts only for a reply the contact is proven to have sent: a stranger must not enroll anyone.
    const referral = senderConcern
      ? { plan: holdForPerson(decided), enrollInto: undefined }
      : referralPlan({
          decided,
          rule: sequence?.referral,
          person,
          owner: contact?.owner ?? sequence?.owner,
          getSequence: this.#o.getSequence,
        });
    let { plan } = referral;
    await applyOutcome(db, plan, { enrollment, contact, replyId, now, stepId, bounce: analysis.bounce });
    if (plan.deliveryRefused) this.#deliveryRefused(enrollment, plan.deliveryRefused, analysis, replyId);
    let shown = person;
    if (referral.enrollInto && person && contact) {
      const enrolled = await enrollReferred(db, {
        sequence: referral.enrollInto,
        person,
        referrer: contact,
        notThem: [contact.email, enrollment.email, ...this.#o.ownAddresses()],
        replyId,
        now,
      });
      shown = enrolled.ok
        ? { ...person, action: `enrolled in ${referral.enrollInto.id}`, enrollmentId: enrolled.enrollmentId }
        : { ...person, action: `not enrolled: ${enrolled.why}` };
      // Not enrolled (suppressed, in another conversation): a rep decides.
      if (!enrolled.ok) plan = { ...plan, action: 'referral_to_rep', task: { assignee: contact.owner ?? sequence?.owner } };
    }
    if (person && contact && !senderConcern)
      await rememberReferral(db, { person, referrer: contact, enrollmentId: enrollment._id, replyId, now });
    // The task, what the reply revealed and its event don't depend on each other: written side by
    // side, so a reply costs fewer round trips in a row. Each is written once however often it is
    // retried, and the reply is marked processed only after all of them.
    const [task] = await everyOrFirstError([
      plan.task
        ? queueTaskForReply(
            db,
            {
              reply: { _id: replyId },
              enrollment,
              classification: analysis.classification,
              assignee: plan.task.assignee,
              contact,
              outcome: plan.action,
              senderConcern,
              referral: shown,
              namedDate: plan.namedDate,
              preview: taskPreview({ contact, fromName: message.fromName, text: analysis.visibleText }),
            },
            now,
            this.#o.taskSettings,
          )
        : undefined,
      // What a stranger's message says is not the contact's doing: no qualification, no reply event (segments act on those).
      contact && !senderConcern ? recordQualification(db, contact, analysis, now) : undefined,
      senderConcern ? undefined : recordReplyEvent(db, match, replyId, analysis, now),
    ] as const);
    return { outcome: plan.action, taskId: task?._id, senderConcern };
  }

  /** The deliverability signal: a refusal is the sender mailbox's problem, not the contact's. */
  #deliveryRefused(enrollment: EnrollmentMatch['enrollment'], reason: BounceReason, analysis: ReplyAnalysis, replyId: string) {
    this.#metrics.deliveryRefused(enrollment.sequenceId, reason);
    // The enrollment's own mailbox (a pool's), whose reputation the refusal speaks of.
    const sender =
      ('sender' in enrollment ? enrollment.sender?.address : undefined) ?? this.#o.getSequence(enrollment.sequenceId)?.sender.address;
    this.#o.logger.warn(
      { sequenceId: enrollment.sequenceId, sender, reason, status: analysis.bounce?.status, enrollmentId: enrollment._id, replyId },
      'delivery refused: enrollment paused',
    );
  }

  #replyDoc(
    replyId: string,
    message: InboundMessage,
    origin: MessageOrigin,
    visibleText: string,
    authentication: SenderAuthentication,
  ): ReplyDoc {
    return {
      _id: replyId,
      messageId: message.messageId,
      mailbox: origin.mailbox,
      uidValidity: origin.uidValidity,
      uid: origin.uid,
      from: message.from,
      ...(message.fromName !== undefined && { fromName: message.fromName }),
      to: message.to ?? [],
      cc: message.cc ?? [],
      subject: message.subject,
      date: message.date,
      inReplyTo: message.inReplyTo,
      references: message.references,
      visibleText,
      authentication,
      state: 'received',
      receivedAt: this.#o.now(),
    };
  }
}

/** Waits for every one of them, then fails with the first failure: nothing is left running behind a failed reply. */
async function everyOrFirstError<T extends readonly unknown[]>(work: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

function storedAnalysis(analysis: ReplyAnalysis, modelVersion: string | undefined): NonNullable<ReplyDoc['analysis']> {
  return {
    automatic: analysis.automatic,
    bounce: analysis.bounce,
    returnDate: analysis.returnDate,
    alternateContact: analysis.alternateContact,
    referral: analysis.referral,
    objection: analysis.objection,
    qualification: analysis.qualification,
    answer: analysis.answer,
    modelVersion,
  };
}

/** Signals found in a reply join what earlier replies revealed; the newest word on a field wins. */
async function recordQualification(db: ParleyCollections, contact: ContactDoc, analysis: ReplyAnalysis, now: Date): Promise<void> {
  const found = Object.fromEntries(Object.entries(analysis.qualification).filter(([, v]) => v !== undefined));
  if (Object.keys(found).length === 0 && !analysis.answer) return;
  const answers = { ...contact.qualification?.answers, ...(analysis.answer && { [analysis.answer.asks]: analysis.answer.value }) };
  await contactStore(db).recordQualification(contact._id, { ...contact.qualification, ...found, answers }, now);
}

/** What the reply was, as an event: a bounce, an automatic answer, or a person replying (with the intent). */
async function recordReplyEvent(
  db: ParleyCollections,
  match: EnrollmentMatch,
  replyId: string,
  analysis: ReplyAnalysis,
  now: Date,
): Promise<void> {
  const { intent } = analysis.classification;
  const bounce = analysis.bounce;
  const type =
    intent === 'bounce'
      ? OWN_EVENTS.bounced
      : intent === 'out_of_office' || intent === 'auto_reply'
        ? OWN_EVENTS.autoReplied
        : OWN_EVENTS.replied;
  // A "delayed" notice is no bounce: the sending server is still trying.
  if (type === OWN_EVENTS.bounced && bounce?.action === 'delayed') return;
  await recordOwnEvent(db, {
    type,
    key: replyId,
    contactId: match.enrollment.contactId,
    at: now,
    sequenceId: match.enrollment.sequenceId,
    stepId: match.stepId,
    enrollmentId: match.enrollment._id,
    props:
      type === OWN_EVENTS.bounced
        ? { kind: bounce?.kind, status: bounce?.status, reason: bounce?.reason }
        : { intent, matched_by: match.matchedBy },
  });
}
