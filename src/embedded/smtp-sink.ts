import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { freePort } from './ports.ts';

export interface ReceivedMail {
  readonly envelopeFrom: string;
  readonly envelopeTo: string[];
  /** The SMTP AUTH user the message was sent under; undefined without a login. */
  readonly authUser: string | undefined;
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
}

export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  /** Everything accepted so far, in order. */
  readonly received: readonly ReceivedMail[];
  /** Resolves when at least `count` messages have been accepted; rejects after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  /**
   * Arms a one-shot hold: the next transaction stalls for `ms` at the given stage (after RCPT TO,
   * or after the whole message arrived but before the 250 answer). Resolves when the hold begins,
   * so a test can kill the sender in exactly that window.
   */
  holdNext(stage: HoldStage, ms: number): Promise<void>;
  /** The next RCPT TO is answered with this SMTP code (4xx temporary, 5xx permanent). */
  refuseNext(code: number, message: string): void;
  /** From now on a login (AUTH) succeeds only with these credentials (535 otherwise); undefined: any login. */
  requireLogin(credentials: { user: string; pass: string } | undefined): void;
  stop(): Promise<void>;
}

export type HoldStage = 'rcpt' | 'data';

/**
 * An in-process SMTP server that accepts everything and keeps it: the place Parley's sends land in
 * tests and the demo. STARTTLS is off because smtp-server's bundled certificate has expired.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let hold: { stage: HoldStage; ms: number; began: () => void } | undefined;
  let refusal: { code: number; message: string } | undefined;
  let login: { user: string; pass: string } | undefined;
  const holdFor = (stage: HoldStage): number => {
    if (hold?.stage !== stage) return 0;
    const { ms, began } = hold;
    hold = undefined;
    began();
    return ms;
  };
  const server = new SMTPServer({
    authOptional: true,
    // A loopback test server without TLS: logins in the clear are how a test checks credentials.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (login && (auth.username !== login.user || auth.password !== login.pass)) {
        callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
        return;
      }
      callback(null, { user: auth.username ?? '' });
    },
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refusal) {
        const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
        refusal = undefined;
        callback(error);
        return;
      }
      setTimeout(() => callback(), holdFor('rcpt'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const accept = async () => {
          received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            authUser: typeof session.user === 'string' ? session.user : undefined,
            raw,
            parsed: await simpleParser(raw),
          });
          for (const wake of waiters) wake();
          callback();
        };
        setTimeout(() => void accept().catch(callback), holdFor('data'));
      });
    },
  });
  server.on('error', () => undefined);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port,
    received,
    waitFor(count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          cleanup();
          resolve(received);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`SMTP sink: expected ${count} messages, got ${received.length} after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    refuseNext: (code, message) => (refusal = { code, message }),
    requireLogin: (credentials) => (login = credentials),
    holdNext: (stage, ms) => new Promise<void>((began) => (hold = { stage, ms, began })),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
