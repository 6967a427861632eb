import type { Config } from '../config.ts';

/** Sends per hour and per day a mailbox may make, across every sequence that sends from it. */
export interface MailboxCaps {
  readonly perHour: number;
  readonly perDay: number;
}

/**
 * One sending mailbox of a pool, from MAILBOXES_FILE: where its mail goes out (SMTP), where its
 * replies are read (IMAP, optional) and its caps. Passwords are read from the environment
 * variables the file names: never log this object whole (the logger redacts `pass`).
 */
export interface MailboxSettings {
  /** Lower-cased. The From address, and what sequence files name in `senders:`. */
  readonly address: string;
  /** The From name for sequences whose `senders:` entry gives none; the entry's own name wins. */
  readonly name: string | undefined;
  readonly smtp: Config['smtp'];
  /** Undefined: the mailbox only sends (its replies are read elsewhere, e.g. through reply_to). */
  readonly imap: Config['imap'] | undefined;
  /** Undefined: the caps of the sequence's policy (`policy.mailbox_caps`). */
  readonly caps: MailboxCaps | undefined;
}
