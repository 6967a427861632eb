import { randomUUID } from 'node:crypto';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { Config } from '../config.ts';
import { isDatabaseUnreachable, mailboxStore, type MailboxStore, type MessageTries, type ParleyCollections } from '../db/index.ts';
import { describeError, ErrorCodes, isParleyError, ParleyError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { NO_INBOUND_METRICS, secondsSince, type InboundMetrics } from '../monitoring/index.ts';
import { mailboxKey, type MailboxLease } from './mailbox-lease.ts';
import type { MessageOrigin, ReplyOutcome } from './reply-handler.ts';

/** Keywords Parley sets instead of \Seen: reps read the same mailbox, and unread must stay unread. */
export const PROCESSED_KEYWORD = '$Parley-Processed';
export const QUARANTINED_KEYWORD = '$Parley-Quarantined';

/** Milliseconds before the first reconnect attempt; each failed attempt doubles it, up to `imap.reconnectMaxMs`. */
const FIRST_RECONNECT_DELAY_MS = 500;

/** imapflow marks a refused LOGIN or AUTHENTICATE (NO [AUTHENTICATIONFAILED]) on the error it throws. */
function isLoginRefused(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { authenticationFailed, serverResponseCode } = error as { authenticationFailed?: unknown; serverResponseCode?: unknown };
  return authenticationFailed === true || serverResponseCode === 'AUTHENTICATIONFAILED';
}
/** Milliseconds before a poll that failed because the database was unreachable (or a message failed) is tried again. */
const DATABASE_RETRY_MS = 2_000;

/** Failures that say what the message is, every time it is read: quarantined at once, never tried again. */
const MESSAGE_FAULTS: ReadonlySet<string> = new Set([ErrorCodes.MESSAGE_MALFORMED, ErrorCodes.MESSAGE_TOO_LARGE]);

/** A message failed in a way that may pass (it ran out of time, its thread died): the poll ends, the message is tried again. */
class MessageTryFailed extends Error {
  override readonly name = 'MessageTryFailed';
}

export interface PollResult {
  fetched: number;
  outcomes: ReplyOutcome[];
  quarantined: number;
}

export interface MailboxPollerOptions {
  imap: Config['imap'];
  db: ParleyCollections;
  handle: (source: Buffer, origin: MessageOrigin) => Promise<ReplyOutcome>;
  logger: Logger;
  /** Called after every poll that saw messages; tests and the demo wait on it. */
  onPoll?: (result: PollResult) => void;
  /** Milliseconds of quiet before imapflow starts IDLE; short so new mail is seen in about a second. */
  idleDelayMs?: number;
  /** Where poll durations, failures and quarantined messages are counted (the worker's /metrics); nothing by default. */
  metrics?: InboundMetrics | undefined;
  /**
   * The mailbox's lease when several workers share the database: only its holder connects and
   * polls; the others try to take it every third of the lease. Unset: this poller always polls.
   */
  lease?: MailboxLease | undefined;
  /** Where the login is set, for a refused login's message: the IMAP_* variables (default), or a mailbox of MAILBOXES_FILE. */
  loginSettings?: string | undefined;
}

/**
 * Watches the reply mailbox: IDLE pushes new-mail events where the server has it; a timer polls
 * as the fallback and safety net. Each message is handled once in UID order; the cursor
 * (UIDVALIDITY + last UID) lives in MongoDB, so a restart resumes where the last run stopped.
 */
export class MailboxPoller {
  readonly #o: MailboxPollerOptions;
  readonly #log: Logger;
  readonly #cursorId: string;
  readonly #store: MailboxStore;
  readonly #metrics: InboundMetrics;
  #client: ImapFlow | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #failures = 0;
  /** Why the last connect failed, in words for /readyz (never the server's message); undefined once a session opens. */
  #connectFailure: string | undefined;
  #polling: Promise<void> | undefined;
  #pollAgain = false;
  #leaseTimer: NodeJS.Timeout | undefined;
  #leaseWork: Promise<void> | undefined;
  #connecting = false;
  /** Names this poller in the tries it records: a record of another holder's is a worker that stopped under a message. */
  readonly #holder = randomUUID();
  /** The tries this poller recorded last (undefined once cleared). */
  #tries: MessageTries | undefined;
  /** The next poll is the first of an IMAP session: its first message's tries are recorded before it is begun. */
  #firstPollOfSession = true;
  /** The last poll ended on a failure that was not the message's (database, session): its first message is no new try. */
  #excused = false;

  constructor(options: MailboxPollerOptions) {
    this.#o = options;
    this.#metrics = options.metrics ?? NO_INBOUND_METRICS;
    this.#log = options.logger.child({ component: 'mailbox-poller', mailbox: options.imap.mailbox });
    this.#cursorId = mailboxKey(options.imap);
    this.#store = mailboxStore(options.db);
  }

  /** True while an IMAP session is open and usable (for /readyz); false while reconnecting or stopped. */
  get connected(): boolean {
    return this.#client?.usable === true;
  }

  /** Connects and starts watching; resolves after the first connection attempt (retries continue on failure). */
  async start(): Promise<void> {
    this.#stopping = false;
    const { lease } = this.#o;
    if (lease) {
      await this.#leaseTick();
      this.#leaseTimer = setInterval(() => void this.#leaseTick(), lease.renewEveryMs);
    } else await this.#connect();
    this.#timer = setInterval(() => this.#requestPoll(), this.#o.imap.pollIntervalMs);
  }

  /** Why there is no session, when a connect failed: e.g. "login refused: check IMAP_USER and IMAP_PASS". */
  get connectFailure(): string | undefined {
    return this.#client ? undefined : this.#connectFailure;
  }

  /** True while this poller waits for the mailbox's lease (another worker holds it): no IMAP session on purpose. */
  get standby(): boolean {
    return !this.#stopping && this.#o.lease !== undefined && !this.#o.lease.held;
  }

  /** False while another worker holds the mailbox's lease (or we are stopping). */
  #mayWatch(): boolean {
    return !this.#stopping && (this.#o.lease?.held ?? true);
  }

  /** Renews the lease we hold, or tries to take it; one at a time. Losing it closes IMAP at once. */
  #leaseTick(): Promise<void> {
    const lease = this.#o.lease;
    if (!lease || this.#leaseWork || this.#stopping) return this.#leaseWork ?? Promise.resolve();
    const work = async () => {
      const had = lease.held;
      try {
        if (had) {
          if (!(await lease.renew())) this.#log.warn({ holder: lease.holder }, 'mailbox lease lost; closing IMAP');
          // The renewal landed, but too late (a slow or absent database): the term it wrote had run out.
          else if (!lease.held)
            this.#log.warn({ holder: lease.holder }, 'mailbox lease lapsed while renewing; closing IMAP until it is taken again');
        } else if (await lease.tryAcquire()) {
          this.#log.info({ holder: lease.holder, term: lease.term }, 'mailbox lease taken');
          if (!this.#stopping) await this.#connect();
          return;
        }
      } catch (error) {
        this.#log.warn({ err: error }, 'mailbox lease check failed; will retry');
      }
      if (!lease.held) this.#dropClient();
    };
    this.#leaseWork = work().finally(() => {
      this.#leaseWork = undefined;
    });
    return this.#leaseWork;
  }

  /** Closes the IMAP session without reconnecting (the lease went to another worker). */
  #dropClient(): void {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const client = this.#client;
    this.#client = undefined;
    client?.close();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#retryTimer);
    clearInterval(this.#leaseTimer);
    await this.#leaseWork;
    await this.#polling?.catch(() => undefined);
    const client = this.#client;
    this.#client = undefined;
    if (client?.usable) await client.logout().catch(() => client.close());
    else client?.close();
    // Hand the mailbox over now rather than after the lease runs out.
    await this.#o.lease?.release().catch((error: unknown) => this.#log.warn({ err: error }, 'mailbox lease release failed'));
  }

  async #connect(): Promise<void> {
    if (this.#connecting || this.#client || !this.#mayWatch()) return;
    this.#connecting = true;
    try {
      await this.#connectOnce();
    } finally {
      this.#connecting = false;
    }
  }

  async #connectOnce(): Promise<void> {
    const { imap } = this.#o;
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      // requireTLS: refuse to log in over clear text; otherwise (local dev) upgrade when offered.
      ...(imap.requireTLS && { doSTARTTLS: true }),
      ...(imap.auth && { auth: { user: imap.auth.user, pass: imap.auth.pass } }),
      logger: false,
      autoIdleDelay: this.#o.idleDelayMs ?? 1000,
      missingIdleCommand: 'NOOP',
    });
    // Before connect(): an unhandled socket error would crash the process (STACK-NOTES).
    client.on('error', (error: unknown) => this.#log.warn({ err: error }, 'IMAP connection error'));
    client.on('exists', () => this.#requestPoll());
    sessionLost.set(client, closedPromise(client));
    client.on('close', () => {
      if (this.#client === client) {
        this.#client = undefined;
        // Said once per lost session; the failed attempts after it say so on their own.
        if (this.#mayWatch()) this.#log.warn({ host: imap.host, port: imap.port }, 'IMAP session lost');
      }
      if (!this.#stopping) this.#scheduleReconnect();
    });
    try {
      await client.connect();
      await client.mailboxOpen(imap.mailbox);
    } catch (error) {
      if (isLoginRefused(error)) {
        // Said once per streak: retrying cannot help until the settings or the server change.
        const settings = this.#o.loginSettings ?? 'IMAP_USER and IMAP_PASS';
        const refused = `login refused: check ${settings}`;
        if (this.#connectFailure !== refused) {
          this.#log.error({ host: imap.host, port: imap.port }, `IMAP login refused: check ${settings}; retrying with back-off`);
        }
        this.#connectFailure = refused;
      } else {
        this.#connectFailure = 'connect failed';
        this.#log.warn({ err: error }, 'IMAP connect failed');
      }
      client.close();
      return;
    }
    if (!this.#mayWatch()) {
      // The lease was lost (or stop() began) while connecting.
      client.close();
      return;
    }
    this.#client = client;
    this.#failures = 0;
    this.#connectFailure = undefined;
    this.#firstPollOfSession = true;
    this.#log.info({ host: imap.host, port: imap.port }, 'watching mailbox');
    this.#requestPoll();
  }

  /**
   * imapflow instances never reconnect: make a new one, waiting FIRST_RECONNECT_DELAY_MS and twice
   * as long after each failed attempt (±20%), up to `imap.reconnectMaxMs`. A session that opens resets it.
   */
  #scheduleReconnect(): void {
    if (this.#reconnectTimer || !this.#mayWatch()) return;
    const attempt = ++this.#failures;
    // Jitter, so workers that lost the server together do not come back together.
    const jittered = FIRST_RECONNECT_DELAY_MS * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
    const delayMs = Math.min(this.#o.imap.reconnectMaxMs, Math.round(jittered));
    this.#log.info({ attempt, delayMs }, 'IMAP reconnect scheduled');
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#mayWatch() && !this.#client) void this.#connect();
    }, delayMs);
  }

  /** One retry in DATABASE_RETRY_MS (never more than one pending), unless a poll runs first. */
  #retryPollSoon(): void {
    if (this.#retryTimer || this.#stopping) return;
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = undefined;
        this.#requestPoll();
      },
      Math.min(DATABASE_RETRY_MS, this.#o.imap.pollIntervalMs),
    );
  }

  /** Coalesces triggers: one poll at a time, and one more if something arrived meanwhile. */
  #requestPoll(): void {
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    this.#polling = this.#pollLoop().finally(() => {
      this.#polling = undefined;
    });
  }

  async #pollLoop(): Promise<void> {
    do {
      this.#pollAgain = false;
      const client = this.#client;
      if (!client?.usable || !this.#mayWatch()) return;
      const started = performance.now();
      try {
        const result = await this.#pollOnce(client);
        this.#excused = false;
        this.#log.debug({ fetched: result.fetched, handled: result.outcomes.length, quarantined: result.quarantined }, 'poll finished');
        this.#metrics.pollFinished(secondsSince(started), result.fetched);
        if (result.fetched > 0) this.#o.onPoll?.(result);
      } catch (error) {
        if (error instanceof MessageTryFailed) {
          // Said by #handleOne already; the replies behind it should not wait a poll interval.
          this.#excused = false;
          this.#retryPollSoon();
          return;
        }
        this.#excused = true;
        this.#metrics.pollFailed(secondsSince(started));
        this.#log.warn({ err: error }, 'poll failed; will retry');
        // The database down: retry soon rather than a poll interval later, so a reply that came
        // in meanwhile pauses its enrollment before the next step is due.
        if (isDatabaseUnreachable(error)) this.#retryPollSoon();
        // The session this poll used died and the new one asked for a poll meanwhile: run it now,
        // not a poll interval later. Any other failure (the database down) waits for the next trigger.
        if (this.#client === client || !this.#pollAgain) return;
      }
    } while (this.#pollAgain);
  }

  async #pollOnce(client: ImapFlow): Promise<PollResult> {
    const { imap } = this.#o;
    const box = client.mailbox;
    if (!box) throw new Error('no mailbox open');
    const uidValidity = box.uidValidity.toString();
    const { cursor, tries } = await this.#store.pollState(this.#cursorId);
    let lastUid = 0;
    if (cursor?.uidValidity === uidValidity) lastUid = cursor.lastUid;
    else if (cursor)
      this.#log.warn({ was: cursor.uidValidity, now: uidValidity }, 'UIDVALIDITY changed; rescanning (replies dedupe by Message-ID)');

    // NOOP first: without it a message delivered a moment ago may not be visible yet (STACK-NOTES).
    await whileOpen(client, client.noop());
    // `N:*` always returns the last message, even when it is older than N (STACK-NOTES).
    const found = (
      await whileOpen(client, client.fetchAll(`${lastUid + 1}:*`, { uid: true, flags: true, size: true, envelope: true }, { uid: true }))
    )
      .filter((m) => m.uid > lastUid)
      .sort((a, b) => a.uid - b.uid);

    const result: PollResult = { fetched: found.length, outcomes: [], quarantined: 0 };
    const originOf = (uid: number): MessageOrigin => ({ mailbox: imap.mailbox, uidValidity, uid });
    this.#log.debug({ from: lastUid + 1, found: found.length }, 'poll started');
    const saveCursor = async (lastUid: number) => {
      await this.#store.advanceCursor(this.#cursorId, { uidValidity, lastUid }, new Date());
      this.#log.debug({ lastUid }, 'cursor saved');
    };
    const careful = await this.#checkTries(client, found, tries, originOf, result);
    await this.#handleInOrder(client, found, originOf, saveCursor, result, careful);
    // Every message begun has finished: nothing is left in hand to blame.
    if (tries !== undefined || this.#tries !== undefined) {
      await this.#store.recordTries(this.#cursorId, undefined, new Date());
      this.#tries = undefined;
    }
    this.#firstPollOfSession = false;
    return result;
  }

  /**
   * The poison-message rule. Before the first message not yet done is begun, its tries are counted
   * and recorded when there is reason to doubt it: it failed before, another holder's record names
   * it (that worker stopped while it was in hand: a crash, a kill, a lost lease), or this is the
   * first poll of a session. A message with INBOUND_MAX_ATTEMPTS tries that never finished is
   * quarantined unread. While in doubt the poll is careful: one message at a time, the cursor saved
   * after each, so the next stop is blamed on the message that caused it. One write per doubtful
   * poll, none for the others.
   */
  async #checkTries(
    client: ImapFlow,
    found: FetchMessageObject[],
    stored: MessageTries | undefined,
    originOf: (uid: number) => MessageOrigin,
    result: PollResult,
  ): Promise<boolean> {
    const { maxAttempts } = this.#o.imap;
    const { uidValidity } = originOf(0);
    let previous = stored?.uidValidity === uidValidity ? stored : undefined;
    for (const message of found) {
      if (isDone(message)) continue;
      const origin = originOf(message.uid);
      const same = previous?.uid === message.uid ? previous : undefined;
      // Our own record after a failure that was not the message's (database, session): that try does not count.
      const begun = same ? (same.holder === this.#holder && this.#excused ? same.count : same.count + 1) : 1;
      if (same && begun > maxAttempts) {
        const reason = `tried ${same.count} times without finishing; last: ${same.reason ?? 'the worker stopped while it was in hand (crashed or was killed)'}`;
        await this.#quarantine(client, message, origin, ErrorCodes.MESSAGE_POISONED, reason);
        message.flags = new Set([...(message.flags ?? []), QUARANTINED_KEYWORD]);
        result.quarantined += 1;
        previous = { ...same, careful: true };
        continue;
      }
      const careful = begun > 1 || (previous?.careful ?? false);
      if (careful || this.#firstPollOfSession) {
        this.#tries = { uidValidity, uid: message.uid, count: begun, reason: same?.reason, holder: this.#holder, careful };
        await this.#store.recordTries(this.#cursorId, this.#tries, new Date());
        this.#log.debug({ uid: message.uid, try: begun }, 'tries recorded');
      }
      if (careful) {
        this.#log.warn(
          { uid: message.uid, try: begun, of: maxAttempts },
          'handling messages one at a time: one of them failed or stopped a worker',
        );
      }
      return careful;
    }
    return false;
  }

  /** Files a message as unhandleable, with the reason, and flags it so no poll reads it again. */
  async #quarantine(client: ImapFlow, message: FetchMessageObject, origin: MessageOrigin, code: string, reason: string): Promise<void> {
    await this.#store.quarantine({ ...origin, code, reason, size: message.size ?? 0, quarantinedAt: new Date() });
    await whileOpen(client, client.messageFlagsAdd(String(message.uid), [QUARANTINED_KEYWORD], { uid: true }));
    this.#metrics.quarantined(code);
    this.#log.warn({ uid: origin.uid, code, reason }, 'message quarantined');
  }

  /**
   * Handles the messages a few at once (INBOUND_CONCURRENCY; handling waits mostly on the
   * database): as one finishes the next starts, so one slow message holds up only its own slot.
   * A message waits for the earlier ones from the same sender or in the same one of our threads,
   * so one conversation's replies still take effect in order.
   *
   * The cursor moves past every message up to the first that is not done yet, every few messages
   * and at the end. A failure (database or session down) starts nothing new and ends the poll once
   * the messages in hand are done; the next poll starts again at the failed message, and those
   * after it that were handled meanwhile are found done by the handler's dedupe.
   */
  async #handleInOrder(
    client: ImapFlow,
    found: readonly FetchMessageObject[],
    originOf: (uid: number) => MessageOrigin,
    saveCursor: (lastUid: number) => Promise<void>,
    result: PollResult,
    careful: boolean,
  ): Promise<void> {
    const concurrency = careful ? 1 : Math.max(1, this.#o.imap.concurrency);
    const lanes = new Map<string, Promise<unknown>>();
    const settled: Array<PromiseSettledResult<ReplyOutcome | undefined | 'skipped'> | undefined> = [];
    const inFlight = new Set<Promise<void>>();
    let next = 0;
    let done = 0; // messages [0, done) are handled
    let saved = 0; // the cursor is past messages [0, saved)
    let failure: { reason: unknown } | undefined;
    const save = async () => {
      await saveCursor(found[done - 1]!.uid);
      saved = done;
    };

    const begin = (index: number): void => {
      const message = found[index]!;
      const keys = conversationKeys(message);
      const earlier = keys.flatMap((key) => lanes.get(key) ?? []);
      const handling = Promise.allSettled(earlier).then(async (): Promise<ReplyOutcome | undefined | 'skipped'> =>
        isDone(message) ? 'skipped' : this.#handleOne(client, message, originOf(message.uid)),
      );
      for (const key of keys) lanes.set(key, handling);
      const slot: Promise<void> = handling
        .then(
          (value) => {
            settled[index] = { status: 'fulfilled', value };
          },
          (reason: unknown) => {
            settled[index] = { status: 'rejected', reason };
            failure ??= { reason };
          },
        )
        .finally(() => inFlight.delete(slot));
      inFlight.add(slot);
    };

    const countDone = () => {
      for (let s = settled[done]; s?.status === 'fulfilled'; s = settled[done]) {
        if (s.value === undefined) result.quarantined += 1;
        else if (s.value !== 'skipped') result.outcomes.push(s.value);
        done += 1;
      }
    };

    for (;;) {
      // Nothing new once the lease ran out (or stop() began): the next holder goes on from the cursor.
      while (inFlight.size < concurrency && next < found.length && !failure && this.#mayWatch()) begin(next++);
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
      countDone();
      if (done - saved >= concurrency && !failure) await save().catch((reason: unknown) => (failure ??= { reason }));
    }
    // Messages that finished while the cursor was being saved left the loop uncounted.
    countDone();
    // Past the messages done, even after a failure: the next poll starts at the first not done.
    if (done > saved) await save();
    if (failure) throw failure.reason;
  }

  /** Handles one message; a bad message is quarantined and the loop goes on. Undefined = quarantined. */
  async #handleOne(client: ImapFlow, message: FetchMessageObject, origin: MessageOrigin): Promise<ReplyOutcome | undefined> {
    try {
      const size = message.size ?? 0;
      if (size > this.#o.imap.maxMessageBytes) {
        throw new ParleyError(
          ErrorCodes.MESSAGE_TOO_LARGE,
          `The message is ${size} bytes, over IMAP_MAX_MESSAGE_BYTES (${this.#o.imap.maxMessageBytes}); read it in the mailbox.`,
        );
      }
      const outcome = await this.#o.handle(await fetchSource(client, message.uid), origin);
      await markProcessed(client, message.uid);
      return outcome;
    } catch (error) {
      if (isDatabaseUnreachable(error)) throw error; // not the message's fault: retry the whole poll later
      // Nor is a session that dropped mid-message (a server restart): the next session fetches it again
      // and the handler's dedupe by Message-ID finishes it. Quarantining it would file a good reply as bad.
      if (isSessionLost(client, error)) throw error;
      const code = isParleyError(error) ? error.code : 'HANDLER_FAILED';
      const reason = describeError(error);
      if (MESSAGE_FAULTS.has(code)) {
        await this.#quarantine(client, message, origin, code, reason);
        return undefined;
      }
      // It ran out of time, its thread died, or something unexpected: it may pass, so it is tried
      // again (after the messages in hand) until INBOUND_MAX_ATTEMPTS.
      const { maxAttempts } = this.#o.imap;
      const own = this.#tries;
      const count = own?.uid === origin.uid && own.uidValidity === origin.uidValidity ? own.count : 1;
      if (count >= maxAttempts) {
        await this.#quarantine(client, message, origin, code, `tried ${count} times; last: ${reason}`);
        return undefined;
      }
      this.#tries = {
        uidValidity: origin.uidValidity,
        uid: origin.uid,
        count,
        reason: `${code}: ${reason}`,
        holder: this.#holder,
        careful: true,
      };
      await this.#store.recordTries(this.#cursorId, this.#tries, new Date());
      this.#log.warn({ uid: origin.uid, code, reason, try: count, of: maxAttempts }, 'message failed; it will be tried again');
      throw new MessageTryFailed(`message ${origin.uid} failed (${code}); tried again soon`);
    }
  }
}

/** Handled before (our keyword), or quarantined: never read again. */
function isDone(message: FetchMessageObject): boolean {
  return message.flags?.has(PROCESSED_KEYWORD) === true || message.flags?.has(QUARANTINED_KEYWORD) === true;
}

/**
 * The message's raw source. A session that ends under the FETCH (a server shutting down answers
 * BYE, then closes) can fail it, or answer it with no message, before the session counts as
 * closed: only a session that still answers a NOOP afterwards puts the blame on the message.
 */
async function fetchSource(client: ImapFlow, uid: number): Promise<Buffer> {
  try {
    const full = await whileOpen(client, client.fetchOne(String(uid), { source: true }, { uid: true }));
    if (!full || !full.source) throw new ParleyError(ErrorCodes.MESSAGE_MALFORMED, 'The server returned no source for the message.');
    return full.source;
  } catch (error) {
    // Still selected, too: imapflow drops the selection when the server says BYE, before it closes.
    const answers = await whileOpen(client, client.noop()).then(
      () => client.usable && Boolean(client.mailbox),
      () => false,
    );
    if (!answers) throw Object.assign(new Error('IMAP session lost during FETCH', { cause: error }), { code: 'NoConnection' });
    throw error;
  }
}

/**
 * Sets the processed keyword. imapflow answers a STORE that failed with false, not an error (a
 * session dropping under it, or one between states): tried once more, then the message counts as
 * not handled, so the cursor stays before it and the next poll finishes it (the handler's dedupe
 * makes that a no-op plus the keyword). A server that keeps no custom keywords is not asked.
 */
async function markProcessed(client: ImapFlow, uid: number): Promise<void> {
  const permanent = client.mailbox ? client.mailbox.permanentFlags : undefined;
  if (permanent && !permanent.has('\\*') && !permanent.has(PROCESSED_KEYWORD)) return;
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    if (await whileOpen(client, client.messageFlagsAdd(String(uid), [PROCESSED_KEYWORD], { uid: true }))) return;
  }
  throw Object.assign(new Error(`IMAP STORE of the processed keyword failed for UID ${uid}; the next poll finishes it`), {
    code: 'NoConnection',
  });
}

/** Per IMAP session: rejects once it closes. */
const sessionLost = new WeakMap<ImapFlow, Promise<never>>();

function closedPromise(client: ImapFlow): Promise<never> {
  const closed = new Promise<never>((_resolve, reject) => {
    client.once('close', () => reject(Object.assign(new Error('IMAP session closed'), { code: 'NoConnection' })));
  });
  closed.catch(() => undefined); // only ever awaited through whileOpen
  return closed;
}

/**
 * An IMAP command of this session, given up once the session closes. imapflow can leave a command
 * pending for good on a session that died under it (one queued behind breaking IDLE, say), and a
 * poll waiting on it would hold up the next session's poll, and a worker's stop, forever.
 */
function whileOpen<T>(client: ImapFlow, command: Promise<T>): Promise<T> {
  const lost = sessionLost.get(client);
  return lost ? Promise.race([command, lost]) : command;
}

/**
 * What ties a message to a conversation before it is parsed, from its IMAP envelope: the sender's
 * address, and the thread it answers. Unknown parts get the message's own key, so a message
 * without an envelope waits for nobody.
 */
function conversationKeys(message: FetchMessageObject): string[] {
  const from = message.envelope?.from?.[0]?.address?.trim().toLowerCase();
  const inReplyTo = message.envelope?.inReplyTo?.trim().toLowerCase();
  return [from ? `from:${from}` : `uid:${message.uid}`, ...(inReplyTo ? [`thread:${inReplyTo}`] : [])];
}

/**
 * The IMAP session went away under a command. imapflow rejects a command answered after the
 * server's BYE with NoConnection while the client still counts as usable, so the code is checked too.
 */
function isSessionLost(client: ImapFlow, error: unknown): boolean {
  // No mailbox selected any more: the server is ending the session (BYE), whatever the command said.
  if (!client.usable || !client.mailbox) return true;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return ['NoConnection', 'NoMailboxSelected', 'EConnectionClosed', 'ECONNRESET', 'EPIPE', 'ETIMEOUT', 'ETIMEDOUT'].includes(code);
}
