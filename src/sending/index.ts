/** Sending due steps: the claim-and-send loop, its Agenda schedule and the SMTP adapter. */
export { StepSender, type StepSenderOptions, type SendRunResult } from './step-sender.ts';
export { sendDueStepsJob, SEND_JOB } from './send-job.ts';
export { createSmtpTransport, type MailTransport, type OutboundMessage, type SendReceipt } from './transport.ts';
export { messageIdDomainFor, parseStepMessageId, stepMessageId } from './message-id.ts';
export { composeStep, type ComposedStep } from './compose.ts';
export { enrollmentSender } from './enrollment-sender.ts';
export { choosePoolSender, type PoolCandidate, type PoolChoice } from './sender-choice.ts';
export { createMailTransports, type MailTransports } from './mailbox-transports.ts';
