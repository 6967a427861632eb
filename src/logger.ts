import { pino, type Logger } from 'pino';

export type { Logger };

/** What a logged error keeps, however deep its causes go. */
export interface LoggedError {
  type: string;
  message: string;
  stack?: string | undefined;
  code?: string | number | undefined;
  /** An SMTP or IMAP server's reply code (nodemailer, imapflow). */
  responseCode?: number | undefined;
  cause?: LoggedError | string | undefined;
}

const MAX_CAUSES = 5;

/**
 * `err` in a log line: type, message, stack, code and the chain of causes, and nothing else. Not
 * every own property as pino's default serializer does: driver errors carry whole topology
 * descriptions, and a mail library's error may carry the command that failed.
 */
export function errorForLog(error: unknown, depth = 0): LoggedError | string {
  if (!(error instanceof Error)) return String(error);
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  return {
    type: error.name,
    message: error.message,
    stack: error.stack,
    ...((typeof code === 'string' || typeof code === 'number') && { code }),
    ...(typeof responseCode === 'number' && { responseCode }),
    ...(error.cause !== undefined && depth < MAX_CAUSES && { cause: errorForLog(error.cause, depth + 1) }),
  };
}

/**
 * The one place loggers are made. Components take a logger and call `child({ component })`, and
 * log a failure as `{ err: error }`, the thrown value itself (errorForLog keeps what matters).
 * Secrets are redacted by path so a careless `log.info({ config })` cannot leak them.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'parley' },
      serializers: { err: (error: unknown) => errorForLog(error) },
      redact: {
        paths: [
          '*.pass',
          '*.password',
          '*.auth',
          'auth',
          'pass',
          'password',
          '*.*.pass',
          'mongo.url',
          'url',
          // The key that signs unsubscribe links (config.web.unsubscribeSecret).
          'unsubscribeSecret',
          '*.unsubscribeSecret',
          '*.*.unsubscribeSecret',
          // The key that signs reps' session cookies (config.web.sessionSecret).
          'sessionSecret',
          '*.sessionSecret',
          '*.*.sessionSecret',
          // The bearer token of the events API (config.web.eventsApiToken).
          'eventsApiToken',
          '*.eventsApiToken',
          '*.*.eventsApiToken',
          // The bearer token of GET /metrics (config.web.metricsToken).
          'metricsToken',
          '*.metricsToken',
          '*.*.metricsToken',
          // Webhook endpoints' signing secrets (config.webhooks.endpoints[n].secret, an endpoint logged whole).
          'secret',
          '*.secret',
          'webhooks.endpoints[*].secret',
          '*.webhooks.endpoints[*].secret',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}

/** For tests and library use: logs nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
