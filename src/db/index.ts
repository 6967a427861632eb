export {
  connectDatabase,
  insertEachOnce,
  isDatabaseUnreachable,
  isDuplicateKey,
  waitForDatabase,
  type ConnectOptions,
  type Database,
  type ParleyCollections,
  type TimeBound,
} from './database.ts';
export type * from './documents.ts';
export { hasOnlyDuplicateKeys, writeErrorIndexes } from './write-errors.ts';
export { SESSION_TTL_MS, SessionStore, type SessionDoc } from './session-store.ts';
export { looksLikeShortTaskId, TaskShortIdStore, type TaskShortIdDoc } from './task-short-ids.ts';
export { FORGET_AFTER_MS, LoginThrottleStore, type LoginThrottleDoc, type LoginTicketDoc } from './login-throttle-store.ts';
export {
  enrollmentStore,
  type EnrollmentChange,
  type EnrollmentStateRecord,
  type EnrollmentFields,
  type EnrollmentStore,
  type InFlightEnrollment,
  type StatsEnrollmentRecord,
} from './enrollment-store.ts';
export {
  contactStore,
  type ContactInput,
  type ContactStore,
  type MailingStatus,
  type SegmentContactRecord,
  type SuppressOutcome,
  type UpsertManyResult,
} from './contact-store.ts';
export { mailboxStore, quarantineId, type MailboxCursor, type MailboxStore, type QuarantinedMessage } from './mailbox-store.ts';
export { deliveryStore, type CapQuery, type CountedClaim, type DeliveryStore, type SendAttempt } from './delivery-store.ts';
export {
  eventStore,
  type ContactIdRange,
  type CountableType,
  type CountedEventRecord,
  type EventStore,
  type StatsEventQuery,
  type StatsEventRecord,
} from './event-store.ts';
export { rollupStore, type RollupStore, type RollupTalliesRecord } from './rollup-store.ts';
export { statsDayStore, type StatsDayStore, type StatsDayVersion, type StatsMarker } from './stats-day-store.ts';
export { segmentChangeStore, type SegmentChangeScope, type SegmentChangeStore } from './segment-change-store.ts';
export { replyStore, type CorrectedReply, type ReplyDecision, type ReplyMatch, type ReplyStore } from './reply-store.ts';
export { repStore, type RepStore } from './rep-store.ts';
export { senderClaimStore, type SenderClaimStore } from './sender-claim-store.ts';
export { boundedTaskId, MAX_TASK_ID_LENGTH } from './task-ids.ts';
export { conversationStore, type ConversationStore, type ConversationTaskRecord, type HeldEnrollmentRecord } from './conversation-store.ts';
export { timelineStore, type ContactHistory, type TimelineStore } from './timeline-store.ts';
export { inboxSignal, type InboxSignal } from './inbox-signal.ts';
export { triageStore, type TriageStore } from './triage-store.ts';
export { taskStore, type TaskQuery, type TaskSettled, type TaskStore, type TaskViewer } from './task-store.ts';
export {
  mailboxLeaseSlots,
  numberedSlots,
  roundRobinSlots,
  sendClaimSlots,
  slotId,
  slotKeyOf,
  taskClaimSlots,
  type NumberedSlots,
  type SlotMaker,
  type SlotShape,
  type TakeResult,
} from './numbered-slots.ts';
export { queueForRollup } from './rollup-queue.ts';
export { defaultHolderId, Lease, type LeaseOptions } from './lease.ts';
export { queueForStats, utcDay } from './stats-queue.ts';
export { intentModelStore, type IntentModelStore } from './intent-model-store.ts';
export { liftAuditId, suppressionEntryId, suppressionEntryOf } from './suppression-entries.ts';
export {
  MAX_SUPPRESSION_PAGE,
  recordSuppression,
  suppressionStore,
  type SuppressionPage,
  type SuppressionPageQuery,
  type SuppressionStore,
} from './suppression-store.ts';
export type * from './webhook-documents.ts';
export { queueWebhook, webhookStore, type RecentDeliveriesQuery, type WebhookSettlement, type WebhookStore } from './webhook-store.ts';
