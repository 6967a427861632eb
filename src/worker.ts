import type { Config } from './config.ts';
import { connectDatabase, type Database } from './db/index.ts';
import { ErrorCodes, ParleyError } from './errors.ts';
import { MailboxPoller, ReplyHandler, type PollResult } from './inbound/index.ts';
import type { Logger } from './logger.ts';
import { createSmtpTransport, startSendScheduler, StepSender, type MailTransport } from './sending/index.ts';
import { formatProblem, loadSequences, type Sequence } from './sequences/index.ts';

export interface Worker {
  readonly database: Database;
  readonly sequences: ReadonlyMap<string, Sequence>;
  /** Stops taking work, lets running sends finish, closes IMAP, SMTP and MongoDB. */
  stop(): Promise<void>;
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
    throw new ParleyError(ErrorCodes.CONFIG_INVALID, 'MONGODB_URL is not set: point it at MongoDB, or try `npm run demo`, which starts its own.');
  }
  const sequences = given.sequences ?? (await loadSequencesLogged(config.sequencesDir, logger));
  logger.info({ sequences: [...sequences.keys()] }, 'sequences loaded');
  const ownAddresses = new Set([...sequences.values()].map((s) => s.sender.address));

  const database = await connectDatabase(config.mongo.url, config.mongo.database);
  const transport: MailTransport = createSmtpTransport(config.smtp);
  const sender = new StepSender({
    db: database,
    transport,
    getSequence: (id) => sequences.get(id),
    logger: logger.child({ component: 'step-sender' }),
    messageIdDomain: config.messageIdDomain,
    leaseMs: config.sending.leaseMs,
    batchSize: config.sending.batchSize,
  });
  const scheduler = await startSendScheduler({
    db: database.db,
    sender,
    intervalMs: config.sending.intervalMs,
    lockLifetimeMs: config.sending.leaseMs,
    logger,
  });
  const replies = new ReplyHandler({ db: database, logger: logger.child({ component: 'replies' }), ownAddresses: () => ownAddresses });
  const poller = new MailboxPoller({
    imap: config.imap,
    db: database,
    handle: (source, origin) => replies.handle(source, origin),
    logger,
    ...(onPoll && { onPoll }),
  });
  await poller.start();
  logger.info('worker started');

  return {
    database,
    sequences,
    async stop() {
      await scheduler.stop();
      await poller.stop();
      transport.close();
      await database.close();
      logger.info('worker stopped');
    },
  };
}

async function loadSequencesLogged(dir: string, logger: Logger): Promise<ReadonlyMap<string, Sequence>> {
  const { sequences, problems } = await loadSequences(dir);
  // A broken file must not stop the worker: the others still run, and the log says what to fix.
  for (const problem of problems) logger.error({ problem: formatProblem(problem) }, 'sequence file ignored');
  return sequences;
}
