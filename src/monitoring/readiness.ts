import { ErrorCodes, isParleyError } from '../errors.ts';
import { cached } from './snapshot.ts';

/**
 * What `GET /readyz` answers: ready when every check is ok. `detail` is written here, never copied
 * from an error message (those can name hosts, users or connection strings): an error code at most.
 */
export interface CheckResult {
  ok: boolean;
  detail?: string;
}
export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}
export type ReadinessCheck = () => Promise<CheckResult>;

/** Milliseconds one check may take before it counts as failed (orchestrators' probes time out at a few seconds). */
export const CHECK_TIMEOUT_MS = 3_000;
/** Milliseconds an SMTP verification is reused: a probe every few seconds must not open an SMTP session each time. */
export const SMTP_VERIFY_TTL_MS = 30_000;

/** Told when a check starts failing (with why) and when it passes again: once per change, not per probe. */
export type CheckChange = (name: string, result: CheckResult) => void;

/** Runs the checks at once; a check that throws or takes longer than `timeoutMs` is not ok. */
export function readinessOf(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs = CHECK_TIMEOUT_MS,
  onChange?: CheckChange,
): () => Promise<Readiness> {
  const wasOk = new Map<string, boolean>();
  return async () => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await bounded(check, timeoutMs)] as const),
    );
    for (const [name, result] of entries) {
      // Unknown at first: a first failure is a change, a first pass is not news.
      if (wasOk.get(name) !== result.ok && (wasOk.has(name) || !result.ok)) onChange?.(name, result);
      wasOk.set(name, result.ok);
    }
    return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
  };
}

/** MongoDB answers a ping (the driver would otherwise wait out its server selection timeout). */
export function mongoCheck(db: { command(command: { ping: 1 }): Promise<unknown> }): ReadinessCheck {
  return async () => {
    try {
      await db.command({ ping: 1 });
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: `ping failed${codeOf(error) || nameOf(error)}` };
    }
  };
}

/**
 * The reply mailbox has a live IMAP session (the poller reconnects on its own; this says whether it
 * is up now). A worker on standby (another worker holds the mailbox's lease) has none on purpose: ok.
 */
export function imapCheck(mailbox: {
  readonly connected: boolean;
  readonly standby?: boolean;
  readonly connectFailure?: string | undefined;
}): ReadinessCheck {
  return () => {
    if (mailbox.connected) return Promise.resolve({ ok: true });
    if (mailbox.standby === true) return Promise.resolve({ ok: true, detail: 'standby: another worker holds the mailbox lease' });
    const why = mailbox.connectFailure ? `${mailbox.connectFailure}; ` : '';
    return Promise.resolve({ ok: false, detail: `no IMAP session (${why}reconnecting)` });
  };
}

/** The SMTP server accepts a connection and login; the answer is reused for `ttlMs`, failures included. */
export function smtpCheck(
  transport: { verify(): Promise<void> },
  ttlMs = SMTP_VERIFY_TTL_MS,
  timeoutMs = CHECK_TIMEOUT_MS,
  /** Where the settings are, for the detail: the SMTP_* variables, or a mailbox of MAILBOXES_FILE. */
  settings: { login: string; server: string } = { login: 'SMTP_USER and SMTP_PASS', server: 'SMTP_HOST, SMTP_PORT and SMTP_SECURE' },
): ReadinessCheck {
  return cached(
    () =>
      bounded(async () => {
        try {
          await transport.verify();
          return { ok: true };
        } catch (error) {
          if (isParleyError(error, ErrorCodes.SMTP_LOGIN_REFUSED)) {
            return { ok: false, detail: `login refused${codeOf(error)}: check ${settings.login}` };
          }
          // A connection or TLS failure: the settings name the server, so say which ones.
          return { ok: false, detail: `cannot connect or verify${codeOf(error)}: check ${settings.server}` };
        }
      }, timeoutMs),
    ttlMs,
  );
}

async function bounded(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check().catch(() => ({ ok: false, detail: 'check failed' })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** ` (ECONNREFUSED)`, ` (EAUTH)`, ` (535)`: the error's code or the cause's, when it looks like one; never its message. */
function codeOf(error: unknown): string {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, responseCode } = e as { code?: unknown; responseCode?: unknown };
    if (typeof responseCode === 'number') return ` (${responseCode})`;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return ` (${code})`;
    if (typeof code === 'number') return ` (${code})`;
  }
  return '';
}

/** ` (MongoServerSelectionError)`: the driver's error class names say what failed without saying where. */
function nameOf(error: unknown): string {
  return error instanceof Error && /^Mongo\w+$/.test(error.name) ? ` (${error.name})` : '';
}
