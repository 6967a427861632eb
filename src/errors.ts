/**
 * Parley's error registry. Code branches on `code` (stable, documented) or on the class, never on
 * message text. Every message says what to do next.
 */
export const ErrorCodes = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  SEQUENCE_INVALID: 'SEQUENCE_INVALID',
  SEQUENCE_NOT_FOUND: 'SEQUENCE_NOT_FOUND',
  TEMPLATE_RENDER_FAILED: 'TEMPLATE_RENDER_FAILED',
  /** The HTML alternative of a message could not be built (a broken internal MJML template: a bug). */
  HTML_RENDER_FAILED: 'HTML_RENDER_FAILED',
  CONTACT_ADDRESS_INVALID: 'CONTACT_ADDRESS_INVALID',
  SMTP_TEMPORARY: 'SMTP_TEMPORARY',
  SMTP_PERMANENT: 'SMTP_PERMANENT',
  /** The SMTP server refused our login (535, or no credentials where it wants some): the mailbox's problem, not the message's. */
  SMTP_LOGIN_REFUSED: 'SMTP_LOGIN_REFUSED',
  MESSAGE_MALFORMED: 'MESSAGE_MALFORMED',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  /** Reading a message took longer than ANALYSIS_TIMEOUT_MS: tried again, then quarantined (INBOUND_MAX_ATTEMPTS). */
  ANALYSIS_TIMED_OUT: 'ANALYSIS_TIMED_OUT',
  /** The thread reading a message died under it (out of memory, say): tried again, then quarantined. */
  ANALYSIS_FAILED: 'ANALYSIS_FAILED',
  /** A message was tried INBOUND_MAX_ATTEMPTS times (failed, timed out, or the worker stopped under it): quarantined. */
  MESSAGE_POISONED: 'MESSAGE_POISONED',
  /** No MongoDB server at MONGODB_URL answered within MONGODB_CONNECT_TIMEOUT_MS. */
  DATABASE_UNREACHABLE: 'DATABASE_UNREACHABLE',
  EMBEDDED_SERVICE_FAILED: 'EMBEDDED_SERVICE_FAILED',
  INTENT_UNKNOWN: 'INTENT_UNKNOWN',
  MODEL_INVALID: 'MODEL_INVALID',
  REPLY_NOT_FOUND: 'REPLY_NOT_FOUND',
  CONTACTS_FILE_INVALID: 'CONTACTS_FILE_INVALID',
  TIMEZONE_INVALID: 'TIMEZONE_INVALID',
  /** A rep could not be added: a bad address, a short password. */
  REP_INVALID: 'REP_INVALID',
  REP_EXISTS: 'REP_EXISTS',
  REP_NOT_FOUND: 'REP_NOT_FOUND',
  TASK_NOT_FOUND: 'TASK_NOT_FOUND',
  /** A task command got an option it cannot use (a --until that is no time): fix the option. */
  TASK_INPUT_INVALID: 'TASK_INPUT_INVALID',
  SEGMENT_NOT_FOUND: 'SEGMENT_NOT_FOUND',
  /** `parley enroll` into a sequence whose audience is a segment only (audience.manual: false). */
  SEQUENCE_NOT_MANUAL: 'SEQUENCE_NOT_MANUAL',
  /** The sequence file has lint errors: nothing enrolls into it until they are fixed (`parley lint` lists them). */
  SEQUENCE_LINT_ERRORS: 'SEQUENCE_LINT_ERRORS',
  /** The sequence file has lint warnings and nobody accepted them: fix them, or enroll with --force. */
  SEQUENCE_LINT_WARNINGS: 'SEQUENCE_LINT_WARNINGS',
  CONTACT_NOT_FOUND: 'CONTACT_NOT_FOUND',
  STATS_PERIOD_INVALID: 'STATS_PERIOD_INVALID',
  /** A suppression could not be lifted: not an admin, no reason given, no such contact, nothing to lift. */
  SUPPRESSION_LIFT_REFUSED: 'SUPPRESSION_LIFT_REFUSED',
  /** A webhook delivery could not be retried: not an admin, no such delivery, or it is not given up. */
  WEBHOOK_RETRY_REFUSED: 'WEBHOOK_RETRY_REFUSED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class ParleyError extends Error {
  readonly code: ErrorCode;
  /** True when the same operation may succeed if tried again later (an outage, a 4xx answer). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParleyError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export function isParleyError(error: unknown, code?: ErrorCode): error is ParleyError {
  return error instanceof ParleyError && (code === undefined || error.code === code);
}

/** The message of anything thrown, for logs and stored failure reasons. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
