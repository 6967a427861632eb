import type { EmbeddedMailbox } from './dovecot.ts';
import type { SmtpSink } from './smtp-sink.ts';

/**
 * Worker settings (as environment variables, validated by loadConfig) that point at embedded
 * servers: no TLS, since they listen on loopback only, and short intervals so the loop turns in
 * seconds rather than minutes.
 */
export function embeddedServerSettings(servers: { mongoUrl: string; sink: SmtpSink; mailbox: EmbeddedMailbox }): Record<string, string> {
  return {
    MONGODB_URL: servers.mongoUrl,
    SMTP_HOST: servers.sink.host,
    SMTP_PORT: String(servers.sink.port),
    SMTP_SECURE: 'false',
    SMTP_TIMEOUT_MS: '5000',
    IMAP_HOST: servers.mailbox.host,
    IMAP_PORT: String(servers.mailbox.port),
    IMAP_SECURE: 'false',
    IMAP_USER: servers.mailbox.user,
    IMAP_PASS: servers.mailbox.pass,
    IMAP_POLL_INTERVAL_MS: '1000',
    PARLEY_INSECURE_LOCAL_MAIL: 'true',
    SEND_INTERVAL_MS: '250',
    SEND_LEASE_MS: '12000',
    // No web server unless a test or the demo asks for one: several workers share this machine.
    WEB_PORT: '0',
  };
}
