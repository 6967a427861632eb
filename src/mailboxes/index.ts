/** Sender pools' mailboxes: the MAILBOXES_FILE format and its settings (docs/SENDER-POOLS.md). */
export type { MailboxCaps, MailboxSettings } from './types.ts';
export { loadMailboxes, parseMailboxes, type MailboxFileOptions, type MailboxesResult } from './parse.ts';
