/** Replies in: the IMAP poller, parsing, matching to enrollments, and what a reply changes. */
export { MailboxPoller, PROCESSED_KEYWORD, QUARANTINED_KEYWORD, type PollResult, type MailboxPollerOptions } from './mailbox-poller.ts';
export { MailboxLease, mailboxKey, defaultHolderId, type MailboxLeaseOptions } from './mailbox-lease.ts';
export { ReplyHandler, type ReplyOutcome, type MessageOrigin, type ReplyHandlerOptions } from './reply-handler.ts';
export { parseInboundMessage, toReplyToClassify, type InboundMessage } from './inbound-message.ts';
export { decideOutcome, chosenOutcome, type OutcomePlan, type OutcomeInput } from './apply-outcome.ts';
export { ThreadedAnalyzer, inProcessAnalyzer, type MessageAnalyzer, type AnalysisThreadOptions } from './message-analyzer.ts';
export type { AnalyzedMessage, TrainedIntentModel } from './message-analysis.ts';
