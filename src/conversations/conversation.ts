import type { ConversationTaskRecord } from '../db/index.ts';

/** CONVERSATION_WAIT_MS's default (src/config.ts): a rep's answer keeps a conversation open 7 days. */
export const DEFAULT_CONVERSATION_WAIT_MS = 7 * 24 * 60 * 60_000;

/**
 * A contact's open conversation, decided from their tasks: a reply waiting for a rep (the task is
 * open, claimed or snoozed), or a rep's answer waiting for the contact's reply (answered less than
 * the wait ago). A task held for its sender (`senderConcern`: the reply may not act for the
 * contact) opens none, like it pauses nothing. Closed tasks (done) end it.
 */
export type Conversation =
  | { state: 'awaiting_rep'; taskId: string; sequenceId: string; since: Date }
  | { state: 'awaiting_contact'; taskId: string; sequenceId: string; since: Date; until: Date };

/** The conversation these tasks (one contact's) keep open at `now`, or undefined when none does. */
export function openConversation(tasks: readonly ConversationTaskRecord[], now: Date, waitMs: number): Conversation | undefined {
  let awaitingContact: Extract<Conversation, { state: 'awaiting_contact' }> | undefined;
  for (const task of tasks) {
    if (task.senderConcern) continue;
    if (task.status === 'open' || task.status === 'claimed' || task.status === 'snoozed')
      // No end is known while a reply waits for a rep: it outranks an answer's window.
      return { state: 'awaiting_rep', taskId: task._id, sequenceId: task.sequenceId, since: task.createdAt };
    if (task.status !== 'answered' || !task.answeredAt) continue;
    const until = new Date(task.answeredAt.getTime() + waitMs);
    if (until > now && (!awaitingContact || until > awaitingContact.until))
      awaitingContact = { state: 'awaiting_contact', taskId: task._id, sequenceId: task.sequenceId, since: task.answeredAt, until };
  }
  return awaitingContact;
}

/** How a conversation reads for people (the timeline, logs). */
export function describeConversation(c: Conversation): string {
  return c.state === 'awaiting_rep'
    ? `a reply waits for a rep (task ${c.taskId}, ${c.sequenceId})`
    : `a rep's answer waits for the contact's reply until ${c.until.toISOString()} (task ${c.taskId}, ${c.sequenceId})`;
}
