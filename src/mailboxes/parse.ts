import { z } from 'zod';
import { readSettingsFile } from '../settings-file.ts';
import type { Config } from '../config.ts';
import { Locator, parseYamlFile, type Path, type SequenceProblem } from '../sequences/index.ts';
import type { MailboxSettings } from './types.ts';

/**
 * The mailboxes file (MAILBOXES_FILE, docs/SENDER-POOLS.md): the sending mailboxes a sequence's
 * `senders:` pool may name, each with its SMTP and IMAP servers and its caps. Passwords are never
 * in the file: it names the environment variable that holds each one (`pass_env`).
 */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, 'the name of an environment variable holding the password, e.g. PARLEY_SMTP_DANA_PASS');
const port = z.number({ error: 'expected a port number' }).int('expected a port number').min(1).max(65535);
const host = z.string({ error: 'expected a host name' }).min(1, 'expected a host name');
const strict = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `allowed: ${Object.keys(shape).join(', ')}` : undefined),
  });
const perCap = z.number({ error: 'expected a whole number of emails' }).int('expected a whole number of emails').min(1);

const server = {
  host,
  port,
  /** TLS from the first byte (SMTP 465, IMAP 993). false: STARTTLS, required unless PARLEY_INSECURE_LOCAL_MAIL (as SMTP_SECURE). */
  secure: z.boolean({ error: 'expected true or false' }),
  user: z.string().min(1).optional(),
  pass_env: envName.optional(),
};

const mailboxSchema = strict({
  address: z.email('expected an email address like dana@mail.example.com').transform((a) => a.toLowerCase()),
  name: z.string().trim().min(1, 'must not be empty').optional(),
  smtp: strict(server),
  imap: strict({ ...server, mailbox: z.string().min(1).default('INBOX') }).optional(),
  caps: strict({ per_hour: perCap, per_day: perCap }).optional(),
});

const fileSchema = strict({ mailboxes: z.array(mailboxSchema).min(1, 'name at least one mailbox') });

export interface MailboxFileOptions {
  /** The environment the passwords are read from. */
  env: Readonly<Record<string, string | undefined>>;
  /** PARLEY_INSECURE_LOCAL_MAIL: SMTP and IMAP without TLS allowed (a local dev server). */
  insecure: boolean;
  /** SMTP settings every mailbox shares (SMTP_TIMEOUT_MS, SMTP_POOL_CONNECTIONS). */
  smtp: Pick<Config['smtp'], 'timeoutMs' | 'poolConnections'>;
  /** IMAP settings every mailbox shares (poll interval, lease, concurrency ...). */
  imap: Omit<Config['imap'], 'host' | 'port' | 'secure' | 'requireTLS' | 'auth' | 'mailbox'>;
}

export type MailboxesResult = { ok: true; mailboxes: MailboxSettings[] } | { ok: false; problems: SequenceProblem[] };

/** Validates a mailboxes file's text; each problem names the file, line, column and field (never a password). Pure but for `env`. */
export function parseMailboxes(source: string, file: string, options: MailboxFileOptions): MailboxesResult {
  const where = new Locator(source, file);
  const parsed = parseYamlFile(where, fileSchema, 'mailboxes', (raw) => crossFieldProblems(raw, options));
  if (!parsed.ok) return parsed;
  const auth = (s: { user?: string | undefined; pass_env?: string | undefined }) =>
    s.user !== undefined && s.pass_env !== undefined ? Object.freeze({ user: s.user, pass: options.env[s.pass_env] ?? '' }) : undefined;
  const mailboxes = parsed.value.mailboxes.map((m): MailboxSettings =>
    Object.freeze({
      address: m.address,
      name: m.name,
      smtp: Object.freeze({
        host: m.smtp.host,
        port: m.smtp.port,
        secure: m.smtp.secure,
        requireTLS: !m.smtp.secure && !options.insecure,
        auth: auth(m.smtp),
        timeoutMs: options.smtp.timeoutMs,
        poolConnections: options.smtp.poolConnections,
      }),
      imap:
        m.imap &&
        Object.freeze({
          ...options.imap,
          host: m.imap.host,
          port: m.imap.port,
          secure: m.imap.secure,
          requireTLS: !m.imap.secure && !options.insecure,
          auth: auth(m.imap),
          mailbox: m.imap.mailbox,
        }),
      caps: m.caps && Object.freeze({ perHour: m.caps.per_hour, perDay: m.caps.per_day }),
    }),
  );
  return { ok: true, mailboxes };
}

/** Reads and validates MAILBOXES_FILE at start; CONFIG_INVALID lists every problem by file:line:column. */
export function loadMailboxes(path: string, options: MailboxFileOptions): MailboxSettings[] {
  return readSettingsFile(path, { variable: 'MAILBOXES_FILE', what: 'mailboxes file' }, (source) => {
    const result = parseMailboxes(source, path, options);
    return result.ok ? { ok: true, value: result.mailboxes } : result;
  });
}

/** Rules across fields and the environment: unique addresses, a user with its password, passwords set. */
function crossFieldProblems(raw: unknown, options: MailboxFileOptions): Array<{ path: Path; message: string }> {
  const list =
    typeof raw === 'object' && raw !== null && 'mailboxes' in raw && Array.isArray(raw.mailboxes) ? (raw.mailboxes as unknown[]) : [];
  const problems: Array<{ path: Path; message: string }> = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const fields = item as Record<string, unknown>;
    if (typeof fields.address === 'string') {
      const address = fields.address.toLowerCase();
      if (seen.has(address))
        problems.push({ path: ['mailboxes', i, 'address'], message: `'${address}' is listed twice; each mailbox once` });
      seen.add(address);
    }
    for (const kind of ['smtp', 'imap'] as const) {
      const s = fields[kind];
      if (typeof s !== 'object' || s === null) continue;
      const settings = s as Record<string, unknown>;
      const at = (field: string): Path => ['mailboxes', i, kind, field];
      if ((settings.user === undefined) !== (settings.pass_env === undefined))
        problems.push({
          path: at(settings.user === undefined ? 'pass_env' : 'user'),
          message: `set both ${kind}.user and ${kind}.pass_env, or neither`,
        });
      // The variable's name only: its value is a password.
      if (typeof settings.pass_env === 'string' && ENV_NAME.test(settings.pass_env) && !options.env[settings.pass_env])
        problems.push({ path: at('pass_env'), message: `environment variable ${settings.pass_env} is not set; put the password there` });
    }
  });
  return problems;
}
