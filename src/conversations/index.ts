/** One conversation per person: while a contact converses with a rep, no sequence writes to them; and their timeline. */
export { DEFAULT_CONVERSATION_WAIT_MS, describeConversation, openConversation, type Conversation } from './conversation.ts';
export { ConversationHold, HOLD_RECHECK_MS } from './hold.ts';
export { releaseHeldSteps } from './release.ts';
export {
  contactTimeline,
  conversationLine,
  TIMELINE_EVENT_LIMIT,
  type ContactTimeline,
  type TimelineEntry,
  type TimelineKind,
} from './timeline.ts';
