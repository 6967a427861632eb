import type { Config } from '../config.ts';
import type { MailboxSettings } from '../mailboxes/index.ts';
import { createSmtpTransport, type MailTransport } from './transport.ts';

/** One transport per sending mailbox, chosen by the message's From address. */
export interface MailTransports extends MailTransport {
  /** The transport of each pool mailbox (MAILBOXES_FILE), by address, for readiness. */
  readonly byMailbox: ReadonlyMap<string, MailTransport>;
  /** The SMTP_* server: mail from any address not in the pool (a sequence's one `sender:`). */
  readonly fallback: MailTransport;
}

/**
 * Sends each message through its From mailbox's own SMTP server and login (a pool mailbox), or
 * through the SMTP_* server for every other address, as without a pool. The From is the
 * enrollment's sender (enrollmentSender), so steps, follow-ups and rep answers of one thread all
 * go through the same mailbox. `verify` checks every server.
 */
export function createMailTransports(
  smtp: Config['smtp'],
  mailboxes: readonly MailboxSettings[],
  create: (smtp: Config['smtp'], loginHint: string) => MailTransport = createSmtpTransport,
): MailTransports {
  const fallback = create(smtp, 'SMTP_USER and SMTP_PASS');
  const byMailbox = new Map(
    mailboxes.map((m) => [m.address, create(m.smtp, `smtp.user and smtp.pass_env of ${m.address} in MAILBOXES_FILE`)] as const),
  );
  const pick = (address: string) => byMailbox.get(address.toLowerCase()) ?? fallback;
  return {
    byMailbox,
    fallback,
    send: (message) => pick(message.from.address).send(message),
    // Without a pool there is one login, and a refused one pauses every send, as it always did.
    ...(byMailbox.size > 0 && { loginOf: (address: string) => (byMailbox.has(address.toLowerCase()) ? address.toLowerCase() : '') }),
    async verify() {
      await Promise.all([fallback, ...byMailbox.values()].map((t) => t.verify()));
    },
    close() {
      for (const t of [fallback, ...byMailbox.values()]) t.close();
    },
  };
}
