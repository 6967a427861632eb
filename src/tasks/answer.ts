import { randomUUID } from 'node:crypto';
import {
  contactStore,
  deliveryStore,
  enrollmentStore,
  replyStore,
  repStore,
  taskStore,
  type ParleyCollections,
  type RepDoc,
  type RepMessageDoc,
  type ReplyDoc,
} from '../db/index.ts';
import { describeError } from '../errors.ts';
import { OWN_EVENTS, recordOwnEvent } from '../events/index.ts';
import { enrollmentSender, messageIdDomainFor, type MailTransport } from '../sending/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { answerBody, handOverLine, replyAllCc } from './answer-mail.ts';
import { checkClaim } from './claim.ts';
import { recordEvent } from './events.ts';
import { noSuchTask, refuse, type TaskActionResult } from './types.ts';

export interface AnswerOptions {
  /** Right-hand side of the answer's Message-ID (config MESSAGE_ID_DOMAIN); unset: the sending address's domain. */
  messageIdDomain: string | undefined;
  now?: Date | undefined;
  /** The loaded sequences, for the sender's name, address and Reply-To; without it the thread's last From address and the rep's name are used. */
  getSequence?: ((id: string) => Sequence | undefined) | undefined;
  /** Addresses to copy, as the rep left them (parseCcList); unset: reply-all, everyone the lead had in To and Cc. */
  cc?: readonly string[] | undefined;
}

/** Who an answer to this task copies when the rep changes nothing: the reply's To and Cc without us and the lead. */
export function defaultAnswerCc(reply: Pick<ReplyDoc, 'to' | 'cc'>, lead: string, ourAddress: string | undefined): string[] {
  return replyAllCc(reply, lead, ourAddress ?? '');
}

/** "Re: Re: AW: hello" -> "Re: hello": one prefix, as mail clients write it. */
export function replySubject(subject: string): string {
  return `Re: ${subject.replace(/^(\s*(re|aw|sv|antw)\s*(\[\d+\])?\s*:\s*)+/i, '').trim()}`;
}

/**
 * Sends a rep's answer in the reply's thread (In-Reply-To the reply, References the thread) as a
 * reply-all, from the sequence's sender under the thread's name, with the lead's message quoted
 * below (answer-mail.ts), and records it in `rep_messages` first, so an answer
 * to it matches the enrollment. Needs the rep's live claim: two reps never both answer.
 * Throws SMTP_TEMPORARY / SMTP_PERMANENT when the server refused it (the record says failed).
 */
export async function answerTask(
  db: ParleyCollections,
  transport: MailTransport,
  taskId: string,
  rep: RepDoc,
  answer: string,
  options: AnswerOptions,
): Promise<TaskActionResult> {
  const now = options.now ?? new Date();
  const tasks = taskStore(db);
  const task = await tasks.get(taskId);
  if (!task) return noSuchTask(taskId);
  const held = await checkClaim(db, task, rep, now, false);
  if (!held.ok) return held;
  if (task.status === 'done') return refuse('invalid', 'This task is done; reopen it by claiming a new reply.');
  const body = answer.trim();
  if (!body) return refuse('invalid', 'The answer is empty; write what the contact should read.');
  const [reply, enrollment] = await Promise.all([replyStore(db).get(task.replyId), enrollmentStore(db).get(task.enrollmentId)]);
  if (!reply || !enrollment) return refuse('invalid', 'The reply or enrollment behind this task is gone; nothing to answer.');

  const sequence = options.getSequence?.(task.sequenceId);
  const [lastSent, contact] = await Promise.all([deliveryStore(db).lastSentInThread(enrollment._id), contactStore(db).get(task.contactId)]);
  // The thread's own mailbox: the enrollment's pool sender when it has one, so the answer comes
  // from the address the lead wrote to (and goes out through that mailbox's SMTP server).
  // A pool enrollment whose copy of its sender is missing: the mailbox its thread went out from.
  const own = enrollment.sender ?? (sequence?.senders && lastSent ? { address: lastSent.from, name: sequence.sender.name } : undefined);
  const sender = sequence ? enrollmentSender(sequence, { sender: own }) : undefined;
  const address = own?.address ?? sender?.address ?? lastSent?.from;
  if (!address)
    return refuse(
      'invalid',
      `Sequence '${task.sequenceId}' is not loaded and nothing was sent in this thread: no sender address to answer from.`,
    );
  // The name the thread's emails went out under: a lead who got two emails from "Marco Rossi" gets
  // the answer from "Marco Rossi" too; a rep who is someone else signs with a hand-over line.
  const threadName = sender?.name ?? own?.name ?? rep.name;
  const cc = options.cc ? [...options.cc] : defaultAnswerCc(reply, task.email, address);
  const text = answerBody(body, handOverLine(rep.name, threadName, body), {
    at: reply.date ?? reply.receivedAt,
    name: reply.fromName,
    address: reply.from || task.email,
    text: reply.visibleText,
    timeZone: contact?.timeZone ?? sequence?.policy.timezone,
  });
  const replyTo = sender?.replyTo;
  const references = [...new Set([...enrollment.threadMessageIds, ...(reply.messageId ? [reply.messageId] : [])])];
  const messageId = `<rep.${randomUUID()}@${messageIdDomainFor(options.messageIdDomain, address)}>`;
  const record: RepMessageDoc = {
    _id: messageId,
    messageId,
    taskId,
    enrollmentId: enrollment._id,
    rep: rep._id,
    from: address,
    to: task.email,
    ...(cc.length > 0 && { cc }),
    subject: replySubject(reply.subject || enrollment.threadSubject || ''),
    text,
    ...(reply.messageId && { inReplyTo: reply.messageId }),
    references,
    state: 'sending',
    createdAt: now,
  };
  // Recorded before the send: if the process dies after the server's 250, a reply to it still matches.
  const reps = repStore(db);
  await reps.recordAnswer(record);
  let response: string;
  try {
    ({ response } = await transport.send({
      from: { name: threadName, address },
      to: task.email,
      ...(cc.length > 0 && { cc }),
      ...(replyTo !== undefined && { replyTo }),
      subject: record.subject,
      text,
      messageId,
      inReplyTo: record.inReplyTo,
      references,
    }));
  } catch (error) {
    await reps.answerFailed(messageId, describeError(error));
    await recordEvent(db, { taskId, at: now, by: rep._id, action: 'answer_failed', detail: { messageId, error: describeError(error) } });
    throw error;
  }
  await reps.answerSent(messageId, now, response);
  await tasks.markAnswered(taskId, now);
  // The first answer only (the id is the task's): the metric is time to the first human response.
  await recordOwnEvent(db, {
    type: OWN_EVENTS.taskAnswered,
    key: taskId,
    contactId: task.contactId,
    at: now,
    sequenceId: task.sequenceId,
    enrollmentId: task.enrollmentId,
    props: { response_ms: String(Math.max(0, now.getTime() - reply.receivedAt.getTime())), rep: rep._id, intent: task.intent },
  });
  await recordEvent(db, { taskId, at: now, by: rep._id, action: 'answered', detail: { messageId, subject: record.subject } });
  return { ok: true, task: { ...task, status: 'answered', answeredAt: now } };
}
