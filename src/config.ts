import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { ErrorCodes, ParleyError } from './errors.ts';
import { loadMailboxes } from './mailboxes/parse.ts';
import type { MailboxSettings } from './mailboxes/types.ts';
import { loadWebhookEndpoints, type WebhookEndpoint } from './webhooks/endpoints.ts';

/**
 * Every setting Parley reads, with its unit and default, in one place. Read once at start
 * (`loadConfig(process.env)`), then frozen and passed in: nothing below reads `process.env`.
 */
const booleanFromEnv = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(1).max(65535);

/** Response-time target per task priority, in minutes (1 is the most urgent). */
export const DEFAULT_TASK_TARGET_MINUTES: Readonly<Record<number, number>> = Object.freeze({ 1: 5, 2: 30, 3: 120, 4: 480, 5: 1440 });
/** How long a rep's claim on a task lasts, in milliseconds, before another rep may take the task. */
export const DEFAULT_TASK_CLAIM_MS = 30 * 60_000;

/** "1:5,2:30" -> { 1: 5, 2: 30 }; undefined when malformed. */
export function parseTargetMinutes(value: string): Record<number, number> | undefined {
  const targets: Record<number, number> = {};
  for (const pair of value.split(',')) {
    const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(pair);
    if (!match?.[1] || !match[2] || Number(match[2]) <= 0) return undefined;
    targets[Number(match[1])] = Number(match[2]);
  }
  return targets;
}
const positiveMs = z.coerce.number().int().positive();

/** Whom Fastify believes about X-Forwarded-For/-Proto/-Host (its `trustProxy`): nobody, everybody, n hops, or these addresses. */
export type TrustProxy = boolean | number | readonly string[];

/** proxy-addr's names for address ranges, as Fastify accepts them. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(value: string): boolean {
  if (PROXY_RANGE_NAMES.has(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** "false" | "true" | hop count | comma-separated addresses, CIDR ranges or loopback/linklocal/uniquelocal; undefined when malformed. */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim();
  if (v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v) === 0 ? false : Number(v);
  const addresses = v.split(',').map((a) => a.trim());
  return addresses.every(isProxyAddress) ? addresses : undefined;
}

const envSchema = z.object({
  /** MongoDB connection string. Unset: the `demo` command starts an embedded FerretDB. */
  MONGODB_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  /** Database name inside MONGODB_URL. */
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only')
    .default('parley'),
  /**
   * Milliseconds to wait for a MongoDB server to answer before a start gives up (the driver's
   * server selection timeout, also for every later operation). Bounds how long an unreachable
   * MONGODB_URL keeps `parley worker` waiting before it exits with DATABASE_UNREACHABLE.
   */
  MONGODB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),

  /** Outgoing mail server. */
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: port.default(587),
  /** true: TLS from the first byte (port 465). false: STARTTLS, required unless PARLEY_INSECURE_LOCAL_MAIL. */
  SMTP_SECURE: booleanFromEnv.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  /** Milliseconds to wait for any SMTP answer; keep well under SEND_LEASE_MS. */
  SMTP_TIMEOUT_MS: positiveMs.default(30_000),
  /** Open SMTP connections kept and reused by each worker (a pool); 1 sends strictly one at a time. */
  SMTP_POOL_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(2),

  /** The reply mailbox Parley listens to. */
  IMAP_HOST: z.string().min(1).default('127.0.0.1'),
  IMAP_PORT: port.default(993),
  /** true: TLS from the first byte (993); false: plain then STARTTLS, required unless PARLEY_INSECURE_LOCAL_MAIL. */
  IMAP_SECURE: booleanFromEnv.default(true),
  IMAP_USER: z.string().optional(),
  IMAP_PASS: z.string().optional(),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  /** Milliseconds between polls when IDLE is missing or quiet (a safety net under IDLE). */
  IMAP_POLL_INTERVAL_MS: positiveMs.default(30_000),
  /** Bytes; larger messages are quarantined unread (mailparser keeps attachments in memory). */
  IMAP_MAX_MESSAGE_BYTES: positiveMs.default(10 * 1024 * 1024),
  /**
   * Replies handled at once by the mailbox's poller. Replies from one sender or in one thread are
   * still handled one after another; each holds at most IMAP_MAX_MESSAGE_BYTES in memory.
   */
  INBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  /**
   * Times a message is tried (its reading failed or ran out of time, or the worker stopped while it
   * was in hand) before it is quarantined as poison and never fetched again.
   */
  INBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** Threads that parse and classify replies, off the event loop. Default: one per core but one, 1 to 2. */
  ANALYSIS_THREADS: z.coerce.number().int().min(1).max(16).optional(),
  /**
   * Milliseconds one message may take to parse and classify on its thread; then the thread is
   * stopped and the message tried again later (INBOUND_MAX_ATTEMPTS). Replies take milliseconds;
   * the largest legal messages about a second.
   */
  ANALYSIS_TIMEOUT_MS: positiveMs.default(15_000),
  /** MiB of heap per analysis thread; a message that needs more fails alone (and is retried, then quarantined). */
  ANALYSIS_THREAD_HEAP_MB: z.coerce.number().int().min(64).max(8192).default(512),
  /**
   * Milliseconds one worker's lease on the mailbox lasts: only the holder polls it, renewing every
   * third of this; when the holder dies another worker takes the mailbox over after at most this.
   */
  IMAP_LEASE_MS: positiveMs.default(30_000),
  /**
   * Milliseconds, the longest wait between attempts to reconnect to IMAP after the session is lost
   * (the wait starts at 500 ms and doubles). It bounds how long after the server is back replies
   * go unseen; 30 s matches the default poll interval.
   */
  IMAP_RECONNECT_MAX_MS: positiveMs.default(30_000),

  /**
   * The authserv-id(s) of the server that receives the reply mailbox's mail, comma-separated
   * (e.g. `mx.example.com`): only Authentication-Results headers it wrote (RFC 8601) are read, and
   * a DMARC fail there holds a reply for a person. Unset: none is trusted and every verdict is
   * "unknown". That server must add its header to every message (and should drop ones with its id
   * that arrive from outside, RFC 8601 section 5).
   */
  AUTHSERV_ID: z
    .string()
    .regex(/^[^\s,;()"]+(?:\s*,\s*[^\s,;()"]+)*$/, 'one or more authserv-ids (usually host names), comma-separated')
    .optional(),

  /**
   * Sender pools (docs/SENDER-POOLS.md): a YAML file of sending mailboxes, each with its SMTP and
   * IMAP servers, caps, and the names of the environment variables holding its passwords. Sequence
   * files name them in `senders:`. Unset: one mailbox, the SMTP_* and IMAP_* settings above.
   */
  MAILBOXES_FILE: z.string().min(1).optional(),

  /**
   * Local development only: allow SMTP and IMAP without TLS (a test sink, a dev mail server).
   * Never set it in production: passwords would cross the network in clear text.
   */
  PARLEY_INSECURE_LOCAL_MAIL: booleanFromEnv.default(false),

  /**
   * Right-hand side of the Message-IDs Parley writes, normally the sending domain. The one setting
   * for every sender (worker, rep app, `parley tasks reply`); unset, each message uses the domain
   * of the address it is sent from (src/sending messageIdDomainFor).
   */
  MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'a domain name such as mail.example.com')
    .optional(),
  /** Folder of sequence YAML files. */
  SEQUENCES_DIR: z.string().min(1).default('sequences'),
  /** Milliseconds between re-reads of SEQUENCES_DIR; edits go live without a restart. */
  SEQUENCES_RELOAD_MS: positiveMs.default(10_000),
  /** Folder of segment YAML files (behaviour segments that sequences' audiences name). */
  SEGMENTS_DIR: z.string().min(1).default('segments'),
  /** Milliseconds between full refreshes of every segment (time windows expire, edited files apply). */
  SEGMENTS_REFRESH_MS: positiveMs.default(10 * 60_000),
  /** Milliseconds between passes over newly recorded events (membership follows events this fast at most). */
  SEGMENT_EVENTS_MS: positiveMs.default(5_000),
  /**
   * Bearer token that authenticates POST /api/events (behaviour events from your website or
   * product), at least 32 characters. No default on purpose. Unset: the events API is off.
   */
  EVENTS_API_TOKEN: z.string().min(32, 'at least 32 characters; generate one with `openssl rand -base64 48`').optional(),
  /** Requests a minute POST /api/events takes per token (each up to 1,000 events); past it, 429 with Retry-After. */
  EVENTS_API_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Milliseconds between checks for a newer intent model (`parley classify train`). */
  MODEL_RELOAD_MS: positiveMs.default(60_000),

  /**
   * Outbound webhooks (docs/WEBHOOKS.md): a YAML file of endpoints, each with its URL, its events and
   * the name of the environment variable holding its signing secret. Unset: no webhooks are sent.
   */
  WEBHOOKS_FILE: z.string().min(1).optional(),
  /** Milliseconds between runs of the webhook delivery job. */
  WEBHOOK_INTERVAL_MS: positiveMs.default(2_000),
  /** Milliseconds a receiver has to answer one POST before the attempt counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Attempts per delivery before it is given up (an admin can retry it). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  /** Milliseconds before the second attempt, doubling after each failure (with jitter). */
  WEBHOOK_BACKOFF_MS: positiveMs.default(30_000),
  /** Milliseconds no wait between attempts exceeds. */
  WEBHOOK_BACKOFF_MAX_MS: positiveMs.default(60 * 60_000),
  /** Local development only: allow http:// webhook URLs (a receiver on this machine). */
  PARLEY_INSECURE_LOCAL_WEBHOOKS: booleanFromEnv.default(false),
  /** Days a delivered or given-up webhook delivery (and its attempts) stays visible to admins before it is deleted. */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),

  /** Milliseconds between runs of the job that sends due steps. */
  SEND_INTERVAL_MS: positiveMs.default(2_000),
  /** Most steps one run of the send job takes on. */
  SEND_BATCH_SIZE: positiveMs.default(100),
  /** Steps of one send run in flight at once, per worker. */
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * Milliseconds a worker owns a step it claimed. After it, another worker may take the step over
   * (the first one died). Must exceed SMTP_TIMEOUT_MS with room to spare, or a slow send and its
   * takeover could both go out.
   */
  SEND_LEASE_MS: positiveMs.default(5 * 60_000),
  /**
   * Milliseconds after a rep's answer during which the contact's conversation stays open (their
   * reply is awaited): no sequence's automated step goes to them meanwhile, unless its file says
   * `during_conversation: send`. Default 7 days.
   */
  CONVERSATION_WAIT_MS: positiveMs.default(7 * 24 * 60 * 60_000),

  /** Interface the unsubscribe web server listens on. Put a TLS-terminating proxy in front of it. */
  WEB_HOST: z.string().min(1).default('127.0.0.1'),
  /** TCP port of the unsubscribe web server; 0 turns it off. */
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * Cookies of the rep app marked Secure and named with the `__Host-` prefix. Browsers keep Secure
   * cookies only over https, and on http://localhost and http://127.0.0.1 (Chromium and Firefox
   * treat loopback as secure), so local development works with the default. false: plain cookie
   * names without Secure, for plain http on any other host; never in production.
   */
  WEB_SECURE_COOKIES: booleanFromEnv.default(true),
  /**
   * Whom the web server believes about the client's address and scheme (X-Forwarded-For/-Proto):
   * false (default: nobody, the peer is the client), true (anybody: only when nothing but the proxy
   * can reach WEB_HOST), a number of proxy hops, or comma-separated proxy addresses and CIDR ranges
   * (also loopback, linklocal, uniquelocal). Per-address login limits count the client's address
   * only when the proxy in front is trusted here; otherwise every rep shares the proxy's.
   */
  WEB_TRUST_PROXY: z
    .string()
    .refine(
      (v) => parseTrustProxy(v) !== undefined,
      'false, true, a hop count, or comma-separated addresses/CIDR ranges such as "10.0.0.0/8,::1"',
    )
    .default('false'),
  /**
   * Public origin (and optional path) under which the web server is reachable, used to build the
   * links in outgoing mail, e.g. https://parley.example.com. Unset: no unsubscribe links. Must be
   * https (RFC 8058 §3.1: one-click unsubscribe needs an HTTPS URI); plain http is accepted only for
   * loopback hosts, for local development.
   */
  PUBLIC_BASE_URL: z.string().refine(isPublicBaseUrl, 'an https:// URL without query or fragment (http:// only for localhost)').optional(),
  /**
   * Key of the HMAC that signs unsubscribe links, at least 32 characters (e.g. `openssl rand
   * -base64 48`). No default on purpose: a guessable key lets anyone unsubscribe anyone. Changing
   * it breaks every link in mail already sent. Required by sequences that use list_unsubscribe.
   */
  UNSUBSCRIBE_SECRET: z.string().min(32, 'at least 32 characters; generate one with `openssl rand -base64 48`').optional(),
  /**
   * Key that signs the rep app's session and CSRF cookies, at least 32 characters (e.g. `openssl
   * rand -base64 48`). No default on purpose. Unset: the rep app (login, inbox, task API) is off
   * and only the unsubscribe pages are served. Changing it logs every rep out.
   */
  SESSION_SECRET: z.string().min(32, 'at least 32 characters; generate one with `openssl rand -base64 48`').optional(),
  /**
   * Bearer token that `GET /metrics` (Prometheus text format) asks for, at least 16 characters
   * (e.g. `openssl rand -base64 32`): scrapers send `Authorization: Bearer <token>`. Unset: the
   * endpoint is open to anyone who reaches the web server, which binds to 127.0.0.1 unless WEB_HOST
   * says otherwise; set it whenever the server is reachable from elsewhere.
   */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters; generate one with `openssl rand -base64 32`').optional(),

  /**
   * Response-time target per task priority: "priority:minutes" pairs. A task is due that long after
   * it was queued; past it, it is escalated to lead reps. Priorities not listed use the default's.
   */
  TASK_TARGET_MINUTES: z
    .string()
    .refine((v) => parseTargetMinutes(v) !== undefined, 'priority:minutes pairs such as "1:5,2:30,3:120,4:480,5:1440"')
    .default('1:5,2:30,3:120,4:480,5:1440'),
  /** Minutes a rep's claim on a task lasts; after it another rep may claim the task. */
  TASK_CLAIM_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_TASK_CLAIM_MS / 60_000),

  /**
   * Milliseconds `parley worker` waits, after SIGTERM or SIGINT, for running sends and polls to
   * finish and connections to close. Past it the worker logs what was still running and exits with
   * code 1. Keep it under the orchestrator's grace period (Docker's and Kubernetes' default: 10 s
   * and 30 s; raise theirs, e.g. `stop_grace_period`, or lower this).
   */
  SHUTDOWN_TIMEOUT_MS: positiveMs.default(30_000),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Env = z.infer<typeof envSchema>;

function isPublicBaseUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.search || url.hash || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export interface Config {
  readonly mongo: {
    readonly url: string | undefined;
    readonly database: string;
    /** Milliseconds to wait for a server to answer (MONGODB_CONNECT_TIMEOUT_MS). */
    readonly connectTimeoutMs: number;
  };
  readonly smtp: {
    readonly host: string;
    readonly port: number;
    readonly secure: boolean;
    readonly requireTLS: boolean;
    readonly auth: { readonly user: string; readonly pass: string } | undefined;
    readonly timeoutMs: number;
    readonly poolConnections: number;
  };
  readonly imap: {
    readonly host: string;
    readonly port: number;
    readonly secure: boolean;
    readonly requireTLS: boolean;
    readonly auth: { readonly user: string; readonly pass: string } | undefined;
    readonly mailbox: string;
    readonly pollIntervalMs: number;
    readonly maxMessageBytes: number;
    /** Replies handled at once (INBOUND_CONCURRENCY). */
    readonly concurrency: number;
    /** Tries before a message is quarantined as poison (INBOUND_MAX_ATTEMPTS). */
    readonly maxAttempts: number;
    /** Milliseconds a worker's lease on the mailbox lasts (renewed every third of it). */
    readonly leaseMs: number;
    /** Milliseconds, the cap of the reconnect backoff (500 ms doubling). */
    readonly reconnectMaxMs: number;
  };
  /**
   * The pool mailboxes of MAILBOXES_FILE; empty without it. Each sends through its own SMTP
   * server and is polled on its own IMAP lease. Passwords inside: never log them.
   */
  readonly mailboxes: readonly MailboxSettings[];
  /**
   * Whether the mailbox of the SMTP_* and IMAP_* settings is in use: always without MAILBOXES_FILE; with it, SMTP only
   * for sequences whose `sender:` is not a pool mailbox, and IMAP only when IMAP_USER is set.
   */
  readonly envMailbox: { readonly imap: boolean };
  /** Where replies are parsed and classified (src/inbound/message-analyzer.ts). */
  readonly analysis: {
    readonly threads: number;
    /** Milliseconds per message once a thread has begun it. */
    readonly timeoutMs: number;
    /** MiB of heap per thread. */
    readonly heapMb: number;
  };
  /** Authentication-Results authserv-ids to trust (AUTHSERV_ID); empty: none. */
  readonly authservIds: readonly string[];
  /** MESSAGE_ID_DOMAIN; undefined when not set (see src/sending messageIdDomainFor). */
  readonly messageIdDomain: string | undefined;
  readonly sequencesDir: string;
  readonly sequencesReloadMs: number;
  readonly segments: {
    readonly dir: string;
    /** Milliseconds between full refreshes. */
    readonly refreshMs: number;
    /** Milliseconds between passes over new events. */
    readonly eventPassMs: number;
  };
  readonly modelReloadMs: number;
  readonly sending: {
    readonly intervalMs: number;
    readonly batchSize: number;
    readonly concurrency: number;
    readonly leaseMs: number;
    /** Milliseconds a rep's answer keeps the contact's conversation open (CONVERSATION_WAIT_MS). */
    readonly conversationWaitMs: number;
  };
  /** Outbound webhooks (src/webhooks/). */
  readonly webhooks: {
    /** From WEBHOOKS_FILE; empty: none. Secrets inside: never log them. */
    readonly endpoints: readonly WebhookEndpoint[];
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly backoff: { readonly baseMs: number; readonly maxMs: number };
    /** Milliseconds finished deliveries are kept (WEBHOOK_RETENTION_DAYS). */
    readonly retentionMs: number;
  };
  readonly logLevel: Env['LOG_LEVEL'];
  /** Milliseconds a stopping worker waits for its work to finish before it exits with code 1. */
  readonly shutdownTimeoutMs: number;
  readonly tasks: {
    /** Priority -> minutes until a task is due. */
    readonly targetMinutes: Readonly<Record<number, number>>;
    /** Milliseconds a claim lasts. */
    readonly claimMs: number;
  };
  readonly web: {
    readonly host: string;
    /** 0: the web server is off. */
    readonly port: number;
    /** Without a trailing slash; undefined: no unsubscribe links can be built. */
    readonly publicBaseUrl: string | undefined;
    /** Rep app cookies Secure and `__Host-` named (WEB_SECURE_COOKIES). */
    readonly secureCookies: boolean;
    /** Fastify's trustProxy (WEB_TRUST_PROXY). */
    readonly trustProxy: TrustProxy;
    /** Secret: never log it (the logger redacts `unsubscribeSecret`). */
    readonly unsubscribeSecret: string | undefined;
    /** Secret: never log it. Undefined: the rep app is off. */
    readonly sessionSecret: string | undefined;
    /** Secret: never log it. Undefined: POST /api/events is off. */
    readonly eventsApiToken: string | undefined;
    readonly eventsApiRatePerMinute: number;
    /** Secret: never log it (the logger redacts `metricsToken`). Undefined: /metrics is open. */
    readonly metricsToken: string | undefined;
  };
}

const freezeTrustProxy = (value: TrustProxy): TrustProxy => (typeof value === 'object' ? Object.freeze([...value]) : value);

function credentials(user: string | undefined, pass: string | undefined, prefix: string) {
  if (user === undefined && pass === undefined) return undefined;
  if (user === undefined || pass === undefined) {
    throw new ParleyError(ErrorCodes.CONFIG_INVALID, `Invalid configuration: set both ${prefix}_USER and ${prefix}_PASS, or neither.`);
  }
  return Object.freeze({ user, pass });
}

/** Validates the environment once; throws CONFIG_INVALID listing every bad variable and what it accepts. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const present = withMountedFiles(
    Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    // Values are left out of the message on purpose: a bad value may be a secret.
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ParleyError(ErrorCodes.CONFIG_INVALID, `Invalid configuration (see .env.example for every setting):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const insecure = e.PARLEY_INSECURE_LOCAL_MAIL;
  // The IMAP settings every mailbox shares, the IMAP_* one and those of MAILBOXES_FILE.
  const imapShared = {
    pollIntervalMs: e.IMAP_POLL_INTERVAL_MS,
    maxMessageBytes: e.IMAP_MAX_MESSAGE_BYTES,
    concurrency: e.INBOUND_CONCURRENCY,
    maxAttempts: e.INBOUND_MAX_ATTEMPTS,
    leaseMs: e.IMAP_LEASE_MS,
    reconnectMaxMs: e.IMAP_RECONNECT_MAX_MS,
  };
  if (e.SEND_LEASE_MS <= e.SMTP_TIMEOUT_MS * 2) {
    throw new ParleyError(
      ErrorCodes.CONFIG_INVALID,
      `Invalid configuration: SEND_LEASE_MS (${e.SEND_LEASE_MS}) must be more than twice SMTP_TIMEOUT_MS (${e.SMTP_TIMEOUT_MS}), or a slow send and its takeover could both go out.`,
    );
  }
  return Object.freeze({
    mongo: Object.freeze({ url: e.MONGODB_URL, database: e.MONGODB_DB, connectTimeoutMs: e.MONGODB_CONNECT_TIMEOUT_MS }),
    smtp: Object.freeze({
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      requireTLS: !e.SMTP_SECURE && !insecure,
      auth: credentials(e.SMTP_USER, e.SMTP_PASS, 'SMTP'),
      timeoutMs: e.SMTP_TIMEOUT_MS,
      poolConnections: e.SMTP_POOL_CONNECTIONS,
    }),
    imap: Object.freeze({
      host: e.IMAP_HOST,
      port: e.IMAP_PORT,
      secure: e.IMAP_SECURE,
      requireTLS: !e.IMAP_SECURE && !insecure,
      auth: credentials(e.IMAP_USER, e.IMAP_PASS, 'IMAP'),
      mailbox: e.IMAP_MAILBOX,
      ...imapShared,
    }),
    mailboxes: Object.freeze(
      e.MAILBOXES_FILE === undefined
        ? []
        : loadMailboxes(e.MAILBOXES_FILE, {
            env: present,
            insecure,
            smtp: { timeoutMs: e.SMTP_TIMEOUT_MS, poolConnections: e.SMTP_POOL_CONNECTIONS },
            imap: imapShared,
          }),
    ),
    envMailbox: Object.freeze({ imap: e.MAILBOXES_FILE === undefined || e.IMAP_USER !== undefined }),
    analysis: Object.freeze({
      threads: e.ANALYSIS_THREADS ?? Math.max(1, Math.min(2, availableParallelism() - 1)),
      timeoutMs: e.ANALYSIS_TIMEOUT_MS,
      heapMb: e.ANALYSIS_THREAD_HEAP_MB,
    }),
    authservIds: Object.freeze((e.AUTHSERV_ID ?? '').split(',').flatMap((id) => (id.trim() ? [id.trim().toLowerCase()] : []))),
    messageIdDomain: e.MESSAGE_ID_DOMAIN,
    sequencesDir: e.SEQUENCES_DIR,
    sequencesReloadMs: e.SEQUENCES_RELOAD_MS,
    segments: Object.freeze({ dir: e.SEGMENTS_DIR, refreshMs: e.SEGMENTS_REFRESH_MS, eventPassMs: e.SEGMENT_EVENTS_MS }),
    modelReloadMs: e.MODEL_RELOAD_MS,
    sending: Object.freeze({
      intervalMs: e.SEND_INTERVAL_MS,
      batchSize: e.SEND_BATCH_SIZE,
      concurrency: e.SEND_CONCURRENCY,
      leaseMs: e.SEND_LEASE_MS,
      conversationWaitMs: e.CONVERSATION_WAIT_MS,
    }),
    webhooks: Object.freeze({
      endpoints: Object.freeze(
        e.WEBHOOKS_FILE === undefined
          ? []
          : loadWebhookEndpoints(e.WEBHOOKS_FILE, { env: present, allowHttp: e.PARLEY_INSECURE_LOCAL_WEBHOOKS }),
      ),
      intervalMs: e.WEBHOOK_INTERVAL_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      backoff: Object.freeze({ baseMs: e.WEBHOOK_BACKOFF_MS, maxMs: e.WEBHOOK_BACKOFF_MAX_MS }),
      retentionMs: e.WEBHOOK_RETENTION_DAYS * 24 * 60 * 60_000,
    }),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    tasks: Object.freeze({
      targetMinutes: Object.freeze({ ...DEFAULT_TASK_TARGET_MINUTES, ...parseTargetMinutes(e.TASK_TARGET_MINUTES) }),
      claimMs: e.TASK_CLAIM_MINUTES * 60_000,
    }),
    web: Object.freeze({
      host: e.WEB_HOST,
      port: e.WEB_PORT,
      publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
      secureCookies: e.WEB_SECURE_COOKIES,
      trustProxy: freezeTrustProxy(parseTrustProxy(e.WEB_TRUST_PROXY) ?? false),
      unsubscribeSecret: e.UNSUBSCRIBE_SECRET,
      sessionSecret: e.SESSION_SECRET,
      eventsApiToken: e.EVENTS_API_TOKEN,
      eventsApiRatePerMinute: e.EVENTS_API_RATE_PER_MINUTE,
      metricsToken: e.METRICS_TOKEN,
    }),
  });
}

/**
 * `<NAME>_FILE=/path` reads setting NAME from a mounted file (Docker and Kubernetes secrets), so
 * passwords need not sit in the environment. Trailing line breaks are dropped. Setting both NAME
 * and NAME_FILE is refused: which one wins would be a guess.
 */
function withMountedFiles(env: Record<string, string>): Record<string, string> {
  const settings = new Set(Object.keys(envSchema.shape));
  const out = { ...env };
  for (const [key, path] of Object.entries(env)) {
    const name = key.endsWith('_FILE') ? key.slice(0, -'_FILE'.length) : undefined;
    if (!name || !settings.has(name)) continue;
    delete out[key];
    if (env[name] !== undefined) {
      throw new ParleyError(ErrorCodes.CONFIG_INVALID, `Invalid configuration: both ${name} and ${key} are set; keep one.`);
    }
    try {
      out[name] = readFileSync(path, 'utf8').replace(/\r?\n+$/, '');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      throw new ParleyError(
        ErrorCodes.CONFIG_INVALID,
        `Invalid configuration: ${key} names ${path}, which cannot be read (${reason}). Mount the file or unset ${key}.`,
      );
    }
  }
  return out;
}
