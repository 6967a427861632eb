import type { Classification } from '../classify/index.ts';
import {
  contactStore,
  enrollmentStore,
  taskStore,
  triageStore,
  type ContactDoc,
  type ParleyCollections,
  type RepDoc,
  type ReplyDoc,
  type TaskDoc,
  type TriageDetails,
  type TriageSuggestion,
  type TaskPreview,
} from '../db/index.ts';
import { chooseAssignee } from './assign.ts';
import { checkClaim } from './claim.ts';
import { recordEvent } from './events.ts';
import { taskPriority } from './priority.ts';
import { DEFAULT_TASK_SETTINGS, taskDueAt, type TaskSettings } from './settings.ts';
import { noSuchTask, refuse, type TaskActionResult } from './types.ts';

/** The outcome stored on a triage task (and on the replies it gathers). */
export const TRIAGE = 'triage';

/**
 * Replies kept on one triage task; past it only the count and the time of the last one move, so a
 * flood from one address grows neither the task nor the queue.
 */
export const TRIAGE_MAX_REPLIES = 20;

/** Priority of a triage task whose intent needs no person otherwise (an unsubscribe from an unknown address). */
const TRIAGE_PRIORITY = 3;

/** Most numbers tried when other handlers keep opening the sender's next triage task first. */
const OPEN_TRIES = 5;

export interface TriageInput {
  reply: Pick<ReplyDoc, '_id' | 'receivedAt'>;
  /** The sender's normalised address. */
  sender: string;
  classification: Pick<Classification, 'intent' | 'confidence' | 'explanation'>;
  /** What the inbox row shows (taskPreview); the first reply's, as the task is opened. */
  preview?: TaskPreview | undefined;
}

/**
 * Puts a person's reply that matched no enrollment in front of a rep: it joins the sender's open
 * triage task, or opens one (one open triage task per sender, so a flood makes one task). It
 * changes no contact, enrollment or suppression: anyone can write to the reply mailbox, so who
 * this is and what it means is a rep's call. Idempotent per reply.
 */
export async function queueTriageTask(
  db: ParleyCollections,
  input: TriageInput,
  now: Date,
  settings: TaskSettings = DEFAULT_TASK_SETTINGS,
): Promise<TaskDoc> {
  const store = triageStore(db);
  for (let tries = 0; tries < OPEN_TRIES; tries++) {
    const newest = await store.newestOf(input.sender);
    if (newest && newest.task.status !== 'done') {
      const joined = newest.task.triage?.replyIds.includes(input.reply._id) ?? false;
      if (!joined) {
        const keep = (newest.task.triage?.replyIds.length ?? 0) < TRIAGE_MAX_REPLIES;
        await store.join(newest.task._id, input.reply._id, now, keep);
      }
      await store.markReply(input.reply._id, newest.task._id);
      return newest.task;
    }
    const task = await newTriageTask(db, input, store.idOf(input.sender, (newest?.n ?? 0) + 1), now, settings);
    if ((await store.open(task)) === 'inserted') {
      await store.markReply(input.reply._id, task._id);
      return task;
    }
    // Another handler opened that number first: join it on the next turn.
  }
  throw new Error(`bug: the triage task for ${input.sender} kept being opened by others ${OPEN_TRIES} times in a row`);
}

async function newTriageTask(db: ParleyCollections, input: TriageInput, _id: string, now: Date, settings: TaskSettings): Promise<TaskDoc> {
  const suggestion = await suggestContact(db, input.sender);
  const priority = taskPriority(input.classification.intent) ?? TRIAGE_PRIORITY;
  // The suggested contact's owner knows the account best; else the round-robin.
  const assignee = await chooseAssignee(db, { taskId: _id, given: undefined, contactId: suggestion?.contactId ?? '' }, now);
  const dueAt = taskDueAt(priority, now, settings.targetMinutes);
  const triage: TriageDetails = {
    sender: input.sender,
    replyIds: [input.reply._id],
    messages: 1,
    lastAt: now,
    ...(suggestion && { suggestion }),
  };
  return {
    _id,
    replyId: input.reply._id,
    enrollmentId: '',
    contactId: '',
    email: input.sender,
    sequenceId: '',
    intent: input.classification.intent,
    confidence: input.classification.confidence,
    explanation: input.classification.explanation,
    priority,
    ...(assignee !== undefined && { assignee }),
    outcome: TRIAGE,
    triage,
    ...(input.preview && { preview: input.preview }),
    status: 'open',
    createdAt: now,
    dueAt,
    asCreated: {
      priority: String(priority),
      dueAt: dueAt.toISOString(),
      intent: input.classification.intent,
      triage: `reply from ${input.sender} matches no enrollment`,
      ...(suggestion && { suggestion: suggestion.note }),
      ...(assignee !== undefined && { assignee }),
    },
  };
}

/**
 * Who the sender may be, by reads by key only: a contact with the sender's own address, else the
 * contact who referred that address to us. A suggestion is shown, never acted on.
 */
export async function suggestContact(db: ParleyCollections, sender: string): Promise<TriageSuggestion | undefined> {
  const own = await contactStore(db).getByEmail(sender);
  if (own) return { contactId: own._id, email: own.email, reason: 'same_address', note: `a contact with this address: ${own.email}` };
  const referral = await triageStore(db).referrerOf(sender);
  if (!referral) return undefined;
  return {
    contactId: referral.referrerContactId,
    email: referral.referrerEmail,
    reason: 'referred_by',
    note: `referred ${sender} to us on ${referral.at.toISOString().slice(0, 10)}`,
    enrollmentId: referral.enrollmentId,
  };
}

/** What a rep attaches a triage task to: a contact by address (created when new) and optionally one of its enrollments. */
export interface TriageAttachment {
  contactEmail: string;
  enrollmentId?: string | undefined;
}

/**
 * A rep says whose the triage task is. The task then points to the contact (and enrollment), its
 * replies show in that contact's thread, and the rep goes on as with any task (answer in the
 * enrollment's thread, resume or stop it, close it). Nothing about the contact's conversation
 * changes by the attaching itself. Needs the rep's claim, or an admin.
 */
export async function attachTriageTask(
  db: ParleyCollections,
  taskId: string,
  rep: RepDoc,
  attachment: TriageAttachment,
  now = new Date(),
): Promise<TaskActionResult> {
  const checked = await triageFor(db, taskId, rep, now);
  if (!checked.ok) return checked;
  const { task, triage } = checked;
  const address = attachment.contactEmail.trim().toLowerCase();
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address))
    return refuse('invalid', `"${attachment.contactEmail}" is not an email address; give the contact's address.`);
  const contacts = contactStore(db);
  const contact: ContactDoc = (await contacts.getByEmail(address)) ?? (await contacts.upsert({ email: address }, now));
  let enrollment: { _id: string; sequenceId: string } | undefined;
  if (attachment.enrollmentId) {
    const found = await enrollmentStore(db).get(attachment.enrollmentId);
    if (!found || found.contactId !== contact._id)
      return refuse(
        'invalid',
        `Enrollment ${attachment.enrollmentId} is not one of ${contact.email}'s; pick one of theirs or leave it out.`,
      );
    enrollment = found;
  }
  const attached = {
    contactId: contact._id,
    email: contact.email,
    ...(enrollment && { enrollmentId: enrollment._id }),
    by: rep._id,
    at: now,
  };
  const pointsTo = {
    contactId: contact._id,
    email: contact.email,
    ...(enrollment && { enrollmentId: enrollment._id, sequenceId: enrollment.sequenceId }),
  };
  await triageStore(db).decide(taskId, { ...pointsTo, triage: { ...triage, attached } });
  await triageStore(db).attachReplies(triage.replyIds, {
    contactId: contact._id,
    ...(enrollment && { enrollmentId: enrollment._id }),
  });
  await recordEvent(db, {
    taskId,
    at: now,
    by: rep._id,
    action: 'attached',
    detail: { contact: contact.email, ...(enrollment && { enrollment: enrollment._id, sequence: enrollment.sequenceId }) },
  });
  return { ok: true, task: { ...task, ...pointsTo, triage: { ...triage, attached } } };
}

/** A rep says a triage task needs nothing (spam, a stray message): closed, with the reason in its audit trail. */
export async function dismissTriageTask(
  db: ParleyCollections,
  taskId: string,
  rep: RepDoc,
  reason: string,
  now = new Date(),
): Promise<TaskActionResult> {
  const checked = await triageFor(db, taskId, rep, now);
  if (!checked.ok) return checked;
  const { task, triage } = checked;
  const why = reason.trim().slice(0, 500) || 'dismissed';
  const dismissed = { by: rep._id, at: now, reason: why };
  await triageStore(db).decide(taskId, { triage: { ...triage, dismissed } });
  // Closed like any task, so the sender's next message opens a new triage task.
  const { snoozedUntil: _snoozed, ...rest } = task;
  await taskStore(db).settle(taskId, { status: 'done' });
  await recordEvent(db, { taskId, at: now, by: rep._id, action: 'dismissed', detail: { reason: why } });
  return { ok: true, task: { ...rest, status: 'done', triage: { ...triage, dismissed } } };
}

type Refusal = Extract<TaskActionResult, { ok: false }>;

/** The refusals below are built as TaskActionResult; they are never `ok`. */
function refused(result: TaskActionResult): Refusal {
  if (result.ok) throw new Error('bug: a refusal that is ok');
  return result;
}

async function triageFor(
  db: ParleyCollections,
  taskId: string,
  rep: RepDoc,
  now: Date,
): Promise<{ ok: true; task: TaskDoc; triage: TriageDetails } | Refusal> {
  const task = await taskStore(db).get(taskId);
  if (!task) return refused(noSuchTask(taskId));
  const held = await checkClaim(db, task, rep, now, true);
  if (!held.ok) return held;
  if (!task.triage) return refused(refuse('invalid', 'This task is not a triage task: it already belongs to a contact.'));
  if (task.status === 'done')
    return refused(refuse('invalid', 'This triage task is closed; a new message from the sender opens a new one.'));
  return { ok: true, task, triage: task.triage };
}

/**
 * Whether a rep's action may run on this task yet: a triage task not attached to a contact has no
 * contact or enrollment for an answer, a relabel, a resume, stop, move or qualification to act on;
 * only claiming, snoozing, closing, attaching and dismissing apply until a rep says whose it is.
 */
export function triageAllows(
  task: Pick<TaskDoc, 'triage' | 'contactId'>,
  action: 'reply' | 'relabel' | 'outcome',
  outcomeKind?: string,
): boolean {
  if (!task.triage || task.contactId !== '') return true;
  return action === 'outcome' && (outcomeKind === 'done' || outcomeKind === 'snooze');
}
