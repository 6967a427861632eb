import type { Config } from '../config.ts';
import { Lease, type LeaseOptions } from '../db/index.ts';

export { defaultHolderId } from '../db/index.ts';

/** The key of one IMAP mailbox, shared by its cursor and its lease: `<user>@<host>:<port>/<mailbox>`. */
export function mailboxKey(imap: Pick<Config['imap'], 'auth' | 'host' | 'port' | 'mailbox'>): string {
  return `${imap.auth?.user ?? ''}@${imap.host}:${imap.port}/${imap.mailbox}`;
}

export interface MailboxLeaseOptions extends Omit<LeaseOptions, 'key'> {
  /** The mailbox key (`mailboxKey(config.imap)`). */
  mailbox: string;
}

/** One replica's lease on one IMAP mailbox, so that several workers on one database poll it one at a time (see Lease). */
export class MailboxLease extends Lease {
  constructor({ mailbox, ...options }: MailboxLeaseOptions) {
    super({ ...options, key: mailbox });
  }
}
