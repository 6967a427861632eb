import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one place loggers are made. Components take a logger and call `child({ component })`.
 * Secrets are redacted by path so a careless `log.info({ config })` cannot leak them.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'parley' },
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
