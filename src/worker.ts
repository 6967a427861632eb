import type { Config } from './config.ts';
import { connectDatabase, enrollmentStore, taskStore, type Database } from './db/index.ts';
import { ErrorCodes, ParleyError } from './errors.ts';
import { MailboxLease, MailboxPoller, mailboxKey, ReplyHandler, ThreadedAnalyzer, type PollResult } from './inbound/index.ts';
import { IntentModelStore } from './learning/index.ts';
import { escalateOverdue, refreshTasks } from './tasks/index.ts';
import type { Logger } from './logger.ts';
import {
  createWorkerMetrics,
  imapCheck,
  mongoCheck,
  readAlarms,
  readinessOf,
  readSnapshot,
  smtpCheck,
  type AlarmSources,
} from './monitoring/index.ts';
import { startRecurringJobs } from './jobs/index.ts';
import { createMailTransports, sendDueStepsJob, StepSender, type MailTransports } from './sending/index.ts';
import { audienceFindings, SegmentCatalog, SegmentUpdater, segmentRefreshJob } from './segments/index.ts';
import { SequenceCatalog, sendersOf, type Sequence } from './sequences/index.ts';
import { outlineOf, readStats, STATS_DAYS_INTERVAL_MS, statsDaysJob } from './stats/index.ts';
import { buildWebServer, startWebServer } from './web/index.ts';
import { deliverWebhooksJob, WebhookDispatcher } from './webhooks/index.ts';

/** How often overdue tasks are escalated and snoozed ones woken (milliseconds). */
const TASK_UPKEEP_MS = 60_000;

export interface Worker {
  readonly database: Database;
  /** The sequence in use under an id (reloaded from its file while the worker runs). */
  getSequence(id: string): Sequence | undefined;
  /** Segment membership: `refreshAll()` re-evaluates everyone now, `idle()` waits for the event pass. */
  readonly segments: SegmentUpdater;
  /** The web server's address, when it runs (WEB_PORT not 0). */
  readonly webUrl: string | undefined;
  /** Stops taking work, lets running sends finish, closes IMAP, SMTP, HTTP and MongoDB. Calling it again returns the same stop. */
  stop(): Promise<void>;
  /** While stopping: the parts not stopped yet, the one being waited for first (e.g. `jobs (send-due-steps)`). */
  stillRunning(): string[];
}

export interface WorkerOptions {
  config: Config;
  logger: Logger;
  /** Called after each mailbox poll that saw mail. */
  onPoll?: (result: PollResult) => void;
  /** Sequences to run instead of the files in SEQUENCES_DIR (the demo shortens their waits). */
  sequences?: ReadonlyMap<string, Sequence>;
}

/** The composition root: builds every part from the configuration and wires them together. */
export async function startWorker({ config, logger, onPoll, ...given }: WorkerOptions): Promise<Worker> {
  if (!config.mongo.url) {
    throw new ParleyError(
      ErrorCodes.CONFIG_INVALID,
      'MONGODB_URL is not set: point it at MongoDB, or try `npm run demo`, which starts its own.',
    );
  }
  let catalog: SequenceCatalog | undefined;
  if (!given.sequences) {
    // A `senders:` pool may name only MAILBOXES_FILE's mailboxes (a file naming another is not used).
    const mailboxes = config.mailboxes.length > 0 ? new Set(config.mailboxes.map((m) => m.address)) : undefined;
    catalog = new SequenceCatalog(config.sequencesDir, logger, { mailboxes });
    await catalog.reload();
    catalog.watch(config.sequencesReloadMs);
  }
  const getSequence = (id: string) => (given.sequences ? given.sequences.get(id) : catalog?.get(id));
  const allSequences = () => (given.sequences ? [...given.sequences.values()] : (catalog?.all() ?? []));
  const unsubscribe = unsubscribeSettings(config, allSequences());

  const database = await connectDatabase(config.mongo.url, config.mongo.database, { timeoutMs: config.mongo.connectTimeoutMs });
  // Threads load and warm up while the rest starts; the poller waits for them (below).
  const analyzer = new ThreadedAnalyzer(config.analysis);
  const analysisReady = analyzer.ready();
  analysisReady.catch(() => undefined); // awaited before the poller starts; a failure there fails the start
  // One SMTP transport per pool mailbox, chosen by the From address, and the SMTP_* one for the rest.
  const transport: MailTransports = createMailTransports(config.smtp, config.mailboxes);
  const mailboxCaps = new Map(config.mailboxes.flatMap((m) => (m.caps ? [[m.address, m.caps] as const] : [])));
  const metricsLog = logger.child({ component: 'metrics' });
  const snapshotSources = { enrollments: enrollmentStore(database), tasks: taskStore(database) };
  const alarmSources: AlarmSources = {
    stats: (period, sequences, now) => readStats(database, { period, sequences, now: () => now }),
    tasks: taskStore(database),
    sequences: () => allSequences().map(outlineOf),
  };
  const metrics = createWorkerMetrics({
    snapshot: (now) => readSnapshot(snapshotSources, now),
    alarms: (now) => readAlarms(alarmSources, now),
    onSnapshotError: (error) => metricsLog.warn({ err: error }, 'metrics snapshot failed'),
  });
  const sender = new StepSender({
    db: database,
    transport,
    getSequence,
    logger: logger.child({ component: 'step-sender' }),
    messageIdDomain: config.messageIdDomain,
    leaseMs: config.sending.leaseMs,
    batchSize: config.sending.batchSize,
    concurrency: config.sending.concurrency,
    conversationWaitMs: config.sending.conversationWaitMs,
    unsubscribe,
    metrics,
    mailboxCaps: (address) => mailboxCaps.get(address),
  });
  const segmentCatalog = new SegmentCatalog(config.segments.dir, logger);
  await segmentCatalog.reload();
  segmentCatalog.watch(config.sequencesReloadMs);
  // A sequence whose audience segment is missing enrolls nobody; say so once at start (lint says it too).
  for (const finding of audienceFindings(allSequences(), segmentCatalog.all()))
    logger.warn({ file: finding.file, line: finding.line }, finding.message);
  const segments = new SegmentUpdater({
    db: database,
    segments: () => segmentCatalog.all(),
    sequences: allSequences,
    logger,
    eventPassMs: config.segments.eventPassMs,
  });
  segments.start();
  const models = new IntentModelStore(database, logger);
  await models.refresh();
  models.watch(config.modelReloadMs);
  // Replies are parsed and classified on threads: hostile mail costs a thread's time, not the event loop's.
  const replies = new ReplyHandler({
    db: database,
    analyzer,
    logger: logger.child({ component: 'replies' }),
    // Mail from the addresses we send as is our own copy, never a reply.
    ownAddresses: () =>
      new Set([...allSequences().flatMap((s) => sendersOf(s).map((x) => x.address)), ...config.mailboxes.map((m) => m.address)]),
    getSequence,
    model: () => models.current(),
    taskSettings: config.tasks,
    authservIds: config.authservIds,
    metrics,
  });
  // Overdue tasks escalate to lead reps; snoozed ones wake and expired claims lapse, even when no
  // rep has the inbox open.
  const taskLog = logger.child({ component: 'tasks' });
  const taskTimer = setInterval(() => {
    Promise.all([escalateOverdue(database), refreshTasks(database)])
      .then(([escalated]) => escalated > 0 && taskLog.info({ escalated }, 'overdue tasks escalated'))
      .catch((error: unknown) => {
        metrics.failed('task-upkeep');
        taskLog.warn({ err: error }, 'task upkeep failed');
      });
  }, TASK_UPKEEP_MS);
  taskTimer.unref();
  // One poller per mailbox: the IMAP_* one (as without a pool), and each pool mailbox's. Replies to
  // any of them are matched alike (Message-IDs, then the sender's address).
  const pollerOf = (imap: Config['imap'], log: Logger, loginSettings?: string) =>
    new MailboxPoller({
      imap,
      db: database,
      handle: (source, origin) => replies.handle(source, origin),
      logger: log,
      metrics,
      // Workers sharing the database poll each mailbox one at a time: whoever holds its lease.
      lease: new MailboxLease({ db: database, mailbox: mailboxKey(imap), leaseMs: imap.leaseMs }),
      loginSettings,
      ...(onPoll && { onPoll }),
    });
  // The IMAP_* mailbox once only: when a pool mailbox is the same one, its poller reads it.
  const poolKeys = new Set(config.mailboxes.flatMap((m) => (m.imap ? [mailboxKey(m.imap)] : [])));
  const pollEnvMailbox = config.envMailbox.imap && !poolKeys.has(mailboxKey(config.imap));
  const pollers: Array<{ check: string; poller: MailboxPoller }> = [
    ...(pollEnvMailbox ? [{ check: 'imap', poller: pollerOf(config.imap, logger) }] : []),
    ...config.mailboxes.flatMap((m) =>
      m.imap
        ? [
            {
              check: `imap:${m.address}`,
              poller: pollerOf(
                m.imap,
                logger.child({ mailbox: m.address }),
                `imap.user and imap.pass_env of ${m.address} in MAILBOXES_FILE`,
              ),
            },
          ]
        : [],
    ),
  ];

  let webUrl: string | undefined;
  const webLogger = logger.child({ component: 'web' });
  const { sessionSecret } = config.web;
  if (config.web.port !== 0 && !sessionSecret) webLogger.warn('SESSION_SECRET is not set: the rep app (login, inbox, tasks) is off');
  const repApp = sessionSecret
    ? {
        db: database,
        transport,
        getSequence,
        listSequences: () => allSequences().map((s) => ({ id: s.id, name: s.name })),
        messageIdDomain: config.messageIdDomain,
        sessionSecret,
        secureCookies: config.web.secureCookies,
        taskSettings: config.tasks,
        webhookEndpoints: config.webhooks.endpoints,
        conversationWaitMs: config.sending.conversationWaitMs,
      }
    : undefined;
  const { eventsApiToken, eventsApiRatePerMinute } = config.web;
  const eventsApi = eventsApiToken
    ? { token: eventsApiToken, ratePerMinute: eventsApiRatePerMinute, onRecorded: () => segments.nudge() }
    : undefined;
  let stopping: Promise<void> | undefined;
  const readinessLog = logger.child({ component: 'readiness' });
  // The SMTP_* server is checked while something may send through it: always without a pool, and
  // with one while a sequence's `sender:` is not a pool mailbox.
  const poolAddresses = new Set(config.mailboxes.map((m) => m.address));
  const usesFallback = config.mailboxes.length === 0 || allSequences().some((s) => sendersOf(s).some((x) => !poolAddresses.has(x.address)));
  const smtpChecks: Array<[string, ReturnType<typeof smtpCheck>]> = [
    ...(usesFallback ? [['smtp', smtpCheck(transport.fallback)] as [string, ReturnType<typeof smtpCheck>]] : []),
    ...[...transport.byMailbox].map(([address, t]): [string, ReturnType<typeof smtpCheck>] => [
      `smtp:${address}`,
      smtpCheck(t, undefined, undefined, {
        login: `smtp.user and smtp.pass_env of ${address} in MAILBOXES_FILE`,
        server: `smtp.host, smtp.port and smtp.secure of ${address} in MAILBOXES_FILE`,
      }),
    ]),
  ];
  const checks = readinessOf(
    {
      mongodb: mongoCheck(database.db),
      ...Object.fromEntries(pollers.map(({ check, poller }) => [check, imapCheck(poller)])),
      ...Object.fromEntries(smtpChecks),
    },
    undefined,
    (check, result) =>
      result.ok
        ? readinessLog.info({ check }, 'readiness check passes again')
        : readinessLog.warn({ check, detail: result.detail }, 'readiness check failed'),
  );
  // Not ready once stopping: load balancers stop sending rep and unsubscribe traffic before the server closes.
  const readiness = async () => (stopping ? { ready: false, checks: { worker: { ok: false, detail: 'shutting down' } } } : checks());
  const web =
    config.web.port === 0
      ? undefined
      : buildWebServer({
          db: database,
          unsubscribeSecret: unsubscribe?.secret,
          logger: webLogger,
          repApp,
          metrics,
          metricsToken: config.web.metricsToken,
          trustProxy: config.web.trustProxy,
          eventsApi,
          readiness,
        });
  // The port before any shared work is taken (the mailbox lease, the jobs' locks): a worker that
  // cannot serve HTTP fails here, and the next one does not wait for a lease to run out.
  if (web) webUrl = await startWebServer(web, { host: config.web.host, port: config.web.port });
  const jobs = await startRecurringJobs({
    db: database.db,
    logger,
    jobs: [
      sendDueStepsJob({ sender, intervalMs: config.sending.intervalMs, logger, metrics }),
      segmentRefreshJob(segments, config.segments.refreshMs),
      // Summarizes each closed day for `parley stats`, and again a day a late event came in for.
      statsDaysJob(database, STATS_DAYS_INTERVAL_MS),
      // Signed POSTs for replies, opt-outs, bounces, qualifications and closed tasks (docs/WEBHOOKS.md).
      deliverWebhooksJob(
        new WebhookDispatcher({ db: database, settings: config.webhooks, logger: logger.child({ component: 'webhooks' }), metrics }),
        config.webhooks.intervalMs,
      ),
    ],
  });
  await analysisReady;
  await Promise.all(pollers.map(({ poller }) => poller.start()));
  logger.info({ webUrl }, 'worker started');
  // Said at start, in the log, not only by /readyz when asked: a worker that cannot send keeps
  // reading replies, and its steps wait until the SMTP server answers.
  for (const [check, smtpReadiness] of smtpChecks)
    void smtpReadiness().then((result) => {
      if (!result.ok) logger.warn({ check, detail: result.detail }, `SMTP server not usable: ${result.detail}; steps wait until it is`);
    });

  // In order: stop taking work, let running work finish, then close the connections it used. The
  // parts within one stage stop side by side: the jobs and the poller are told at the same moment,
  // so a slow send run does not keep the poller handling replies (and the other way round).
  const stages: Array<Array<[string, () => unknown]>> = [
    [
      [
        'file watchers',
        () => {
          catalog?.stop();
          models.stop();
          clearInterval(taskTimer);
          segmentCatalog.stop();
        },
      ],
    ],
    [
      ['segment updater', () => segments.stop()],
      ['jobs', () => jobs.stop()],
      ['mailbox poller', () => Promise.all(pollers.map(({ poller }) => poller.stop()))],
    ],
    [
      ['web server', () => web?.close()],
      ['analysis threads', () => analyzer.close()],
    ],
    [['smtp transport', () => transport.close()]],
    [['mongodb', () => database.close()]],
  ];
  const remaining = new Set(stages.flat().map(([name]) => name));

  return {
    database,
    getSequence,
    segments,
    webUrl,
    stop() {
      stopping ??= (async () => {
        for (const stage of stages) {
          await Promise.all(
            stage.map(async ([name, stopPart]) => {
              await stopPart();
              remaining.delete(name);
            }),
          );
        }
        logger.info('worker stopped');
      })();
      return stopping;
    },
    stillRunning: () =>
      [...remaining].map((name) => (name === 'jobs' && jobs.running().length > 0 ? `jobs (${jobs.running().join(', ')})` : name)),
  };
}

/** List-Unsubscribe links need a public address and a signing key; refuse to start without them. */
function unsubscribeSettings(config: Config, sequences: readonly Sequence[]) {
  const { publicBaseUrl, unsubscribeSecret } = config.web;
  if (publicBaseUrl && unsubscribeSecret) return { baseUrl: publicBaseUrl, secret: unsubscribeSecret };
  const needing = sequences.filter((s) => s.optOut.listUnsubscribe).map((s) => s.id);
  if (needing.length > 0) {
    throw new ParleyError(
      ErrorCodes.CONFIG_INVALID,
      `Sequences ${needing.join(', ')} use list_unsubscribe: set PUBLIC_BASE_URL and UNSUBSCRIBE_SECRET (32+ characters), or turn list_unsubscribe off.`,
    );
  }
  return undefined;
}
