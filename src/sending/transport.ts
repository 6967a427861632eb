import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';

export interface OutboundMessage {
  from: { name: string; address: string };
  to: string;
  /** Copied addresses (a rep's reply-all); steps copy nobody. */
  cc?: readonly string[] | undefined;
  /** Where replies should go, when not the From address. */
  replyTo?: string | undefined;
  subject: string;
  text: string;
  /** Optional HTML alternative of the same text. */
  html?: string | undefined;
  /** Extra header lines, e.g. List-Unsubscribe. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** With angle brackets, e.g. `<abc.hello@mail.example.com>`. */
  messageId: string;
  inReplyTo?: string | undefined;
  references: readonly string[];
}

export interface SendReceipt {
  /** The SMTP server's final answer, e.g. `250 2.0.0 Ok: queued as 4F2A1`. */
  response: string;
}

/** Where steps go out. The SMTP adapter below is the real one; tests may pass a fake to unit tests. */
export interface MailTransport {
  /** Resolves once the server accepted the message; throws SMTP_TEMPORARY or SMTP_PERMANENT. */
  send(message: OutboundMessage): Promise<SendReceipt>;
  /** Checks connection and login, for start-up and /readyz. */
  verify(): Promise<void>;
  /**
   * Which server login mail from this address goes through ('' for the one SMTP_* login): a
   * refused login pauses the sends of that login only. Unset: one login for every address.
   */
  loginOf?(address: string): string;
  close(): void;
}

/**
 * `loginHint` names where the login is set, for the error a refused login raises: the SMTP_*
 * variables (default), or a mailbox of MAILBOXES_FILE.
 */
export function createSmtpTransport(smtp: Config['smtp'], loginHint = 'SMTP_USER and SMTP_PASS'): MailTransport {
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    ...(smtp.auth && { auth: { user: smtp.auth.user, pass: smtp.auth.pass } }),
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    // Reused connections spare a TCP, TLS and AUTH handshake per email. A connection's failure fails
    // only the message on it (retried as temporary); the pool opens a new one for the next send.
    pool: true,
    maxConnections: smtp.poolConnections,
    // Mail servers close long sessions anyway; renewing after 100 messages keeps that orderly.
    maxMessages: 100,
  });
  return {
    async send(message) {
      let info;
      try {
        info = await transporter.sendMail({
          from: { name: message.from.name, address: message.from.address },
          to: message.to,
          ...(message.cc !== undefined && message.cc.length > 0 && { cc: [...message.cc] }),
          ...(message.replyTo !== undefined && { replyTo: message.replyTo }),
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined && { html: message.html }),
          ...(message.headers !== undefined && { headers: { ...message.headers } }),
          messageId: message.messageId,
          ...(message.inReplyTo !== undefined && { inReplyTo: message.inReplyTo }),
          ...(message.references.length > 0 && { references: [...message.references] }),
        });
      } catch (error) {
        throw smtpError(error, loginHint);
      }
      // A partly rejected send still resolves (STACK-NOTES). Only the To counts: a copied address
      // the server refused doesn't undo the answer the lead got.
      const rejected = info.rejected.map((r) => String(r).toLowerCase());
      if (rejected.includes(message.to.toLowerCase())) {
        throw new ParleyError(ErrorCodes.SMTP_PERMANENT, `The SMTP server refused the recipient ${message.to}: ${info.response}`);
      }
      return { response: info.response };
    },
    async verify() {
      try {
        await transporter.verify();
      } catch (error) {
        throw smtpError(error, loginHint);
      }
    },
    close: () => transporter.close(),
  };
}

/**
 * A refused login is the sending mailbox's problem (a rotated password), not the message's: it is
 * never permanent for the step. Other 5xx answers are permanent; 4xx answers, timeouts and refused
 * connections may pass later.
 */
function smtpError(error: unknown, loginHint: string): ParleyError {
  const responseCode = typeof error === 'object' && error !== null && 'responseCode' in error ? Number(error.responseCode) : NaN;
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    const answer = Number.isNaN(responseCode) ? '' : ` (${responseCode})`;
    return new ParleyError(
      ErrorCodes.SMTP_LOGIN_REFUSED,
      `The SMTP server refused the login${answer}: check ${loginHint}. Sending is paused and tried again; no enrollment is stopped.`,
      { retryable: true, cause: error },
    );
  }
  if (responseCode >= 500 && responseCode < 600) {
    return new ParleyError(ErrorCodes.SMTP_PERMANENT, `The SMTP server refused the message (${responseCode}): ${message}`, {
      cause: error,
    });
  }
  return new ParleyError(ErrorCodes.SMTP_TEMPORARY, `Sending failed for now, will retry: ${message}`, {
    retryable: true,
    cause: error,
  });
}
