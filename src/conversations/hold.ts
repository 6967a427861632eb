import { conversationStore, type ParleyCollections } from '../db/index.ts';
import type { Sequence } from '../sequences/index.ts';
import { openConversation, type Conversation } from './conversation.ts';

/**
 * How often a held step is looked at again while its conversation has no known end (a reply
 * waiting for a rep). Closing the task brings held steps forward at once (releaseHeldSteps); this
 * bounds the wait when that nudge is lost (a crash between the task's write and the release, or a
 * send run that held the step on a read from just before the close).
 */
export const HOLD_RECHECK_MS = 15 * 60_000;

/**
 * "One conversation per person" for one send run: the conversations of the batch's contacts, read
 * once in one query (like SendGate's caps), then asked per step without another read. A reply that
 * opens a conversation during the run is seen by the next run; the replied-to enrollment itself is
 * guarded by the step sender's read after its claim.
 */
export class ConversationHold {
  readonly #byContact: ReadonlyMap<string, Conversation>;

  private constructor(byContact: ReadonlyMap<string, Conversation>) {
    this.#byContact = byContact;
  }

  static async open(db: ParleyCollections, contactIds: readonly string[], now: Date, waitMs: number): Promise<ConversationHold> {
    const tasks = await conversationStore(db).tasksInPlay([...new Set(contactIds)]);
    const byContact = new Map<string, typeof tasks>();
    for (const t of tasks) byContact.set(t.contactId, [...(byContact.get(t.contactId) ?? []), t]);
    const open = new Map<string, Conversation>();
    for (const [contactId, own] of byContact) {
      const conversation = openConversation(own, now, waitMs);
      if (conversation) open.set(contactId, conversation);
    }
    return new ConversationHold(open);
  }

  /**
   * The conversation that holds this sequence's due step to this contact, with the time to look
   * again; undefined when the step may go (no conversation, or the file says `during_conversation: send`).
   */
  holding(sequence: Sequence, contactId: string, now: Date): { conversation: Conversation; until: Date } | undefined {
    if (sequence.duringConversation === 'send') return undefined;
    const conversation = this.#byContact.get(contactId);
    if (!conversation) return undefined;
    const recheck = now.getTime() + HOLD_RECHECK_MS;
    const until = conversation.state === 'awaiting_contact' ? Math.min(conversation.until.getTime(), recheck) : recheck;
    return { conversation, until: new Date(until) };
  }
}
