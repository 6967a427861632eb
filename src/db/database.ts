import { boundedTaskId, MAX_TASK_ID_LENGTH } from './task-ids.ts';
import {
  MongoClient,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  type Collection,
  type Db,
  type Document,
  type OptionalUnlessRequiredId,
} from 'mongodb';
import { redactConnectionString } from 'mongodb-connection-string-url';
import { ErrorCodes, ParleyError } from '../errors.ts';
import type {
  ContactDoc,
  DeliveryDoc,
  EnrollmentDoc,
  EventDoc,
  IntentModelDoc,
  MailboxCursorDoc,
  MailboxLeaseDoc,
  QuarantineDoc,
  ReplyDoc,
  RepDoc,
  RepMessageDoc,
  RoundRobinTurnDoc,
  SegmentChangeDoc,
  ContactRollupDoc,
  RollupQueueDoc,
  RollupStateDoc,
  SendClaimDoc,
  StatsDayDoc,
  StatsDayPartDoc,
  StatsQueueDoc,
  SuppressionAuditDoc,
  SuppressionEntryDoc,
  TaskClaimDoc,
  TaskDoc,
  TaskEventDoc,
  ReferralDoc,
  InboxSignalDoc,
  SenderClaimDoc,
} from './documents.ts';
import { claimOf, releaseOf } from './send-claims.ts';
import { suppressionEntryOf } from './suppression-entries.ts';
import { hasOnlyDuplicateKeys, writeErrorIndexes } from './write-errors.ts';
import type { WebhookCollections } from './webhook-documents.ts';

/** Parley's collections, typed. The only way the rest of the code reaches MongoDB. */
export interface ParleyCollections extends WebhookCollections {
  contacts: Collection<ContactDoc>;
  enrollments: Collection<EnrollmentDoc>;
  deliveries: Collection<DeliveryDoc>;
  sendClaims: Collection<SendClaimDoc>;
  replies: Collection<ReplyDoc>;
  tasks: Collection<TaskDoc>;
  mailboxCursors: Collection<MailboxCursorDoc>;
  mailboxLeases: Collection<MailboxLeaseDoc>;
  quarantine: Collection<QuarantineDoc>;
  intentModels: Collection<IntentModelDoc>;
  reps: Collection<RepDoc>;
  taskEvents: Collection<TaskEventDoc>;
  taskClaims: Collection<TaskClaimDoc>;
  repMessages: Collection<RepMessageDoc>;
  roundRobin: Collection<RoundRobinTurnDoc>;
  events: Collection<EventDoc>;
  segmentChanges: Collection<SegmentChangeDoc>;
  rollupQueue: Collection<RollupQueueDoc>;
  contactRollups: Collection<ContactRollupDoc>;
  rollupState: Collection<RollupStateDoc>;
  statsQueue: Collection<StatsQueueDoc>;
  statsDays: Collection<StatsDayDoc>;
  statsDayParts: Collection<StatsDayPartDoc>;
  suppressions: Collection<SuppressionEntryDoc>;
  suppressionAudit: Collection<SuppressionAuditDoc>;
  /** Who referred each address to us (src/db/triage-store.ts), read by `_id` only. */
  referrals: Collection<ReferralDoc>;
  /** Changes with every task write (src/db/inbox-signal.ts), read by `_id` only. */
  inboxSignals: Collection<InboxSignalDoc>;
  /** Which pool mailbox each enrollment was given (src/db/sender-claim-store.ts), read by `_id` only. */
  senderClaims: Collection<SenderClaimDoc>;
}

export interface Database extends ParleyCollections {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Milliseconds to wait for a server to answer, at connect and for every later operation (MONGODB_CONNECT_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** As MONGODB_CONNECT_TIMEOUT_MS's default (src/config.ts), for callers without a configuration. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects and brings indexes and migrations up to date. Throws DATABASE_UNREACHABLE (retryable)
 * when no server answers within `timeoutMs`, naming MONGODB_URL with its credentials redacted.
 */
export async function connectDatabase(url: string, name: string, options: ConnectOptions = {}): Promise<Database> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => undefined);
    if (!isDatabaseUnreachable(error)) throw error;
    throw new ParleyError(
      ErrorCodes.DATABASE_UNREACHABLE,
      `MongoDB did not answer within ${timeoutMs} ms at ${redactConnectionString(url)} (${error.message}): check MONGODB_URL and that the server is running and reachable from here; MONGODB_CONNECT_TIMEOUT_MS sets the wait.`,
      // No cause: the message holds all an operator needs, and the start-up log line stays short.
      { retryable: true },
    );
  }
  const db = client.db(name);
  const database: Database = {
    client,
    db,
    contacts: db.collection('contacts'),
    enrollments: db.collection('enrollments'),
    deliveries: db.collection('deliveries'),
    sendClaims: db.collection('send_claims'),
    replies: db.collection('replies'),
    tasks: db.collection('tasks'),
    mailboxCursors: db.collection('mailbox_cursors'),
    mailboxLeases: db.collection('mailbox_leases'),
    quarantine: db.collection('quarantine'),
    intentModels: db.collection('intent_models'),
    reps: db.collection('reps'),
    taskEvents: db.collection('task_events'),
    taskClaims: db.collection('task_claims'),
    repMessages: db.collection('rep_messages'),
    roundRobin: db.collection('round_robin'),
    events: db.collection('events'),
    segmentChanges: db.collection('segment_changes'),
    rollupQueue: db.collection('rollup_queue'),
    contactRollups: db.collection('contact_rollups'),
    rollupState: db.collection('rollup_state'),
    statsQueue: db.collection('stats_queue'),
    statsDays: db.collection('stats_days'),
    statsDayParts: db.collection('stats_day_parts'),
    suppressions: db.collection('suppressions'),
    suppressionAudit: db.collection('suppression_audit'),
    webhookQueue: db.collection('webhook_queue'),
    webhookDeliveries: db.collection('webhook_deliveries'),
    webhookAttempts: db.collection('webhook_attempts'),
    referrals: db.collection('referrals'),
    inboxSignals: db.collection('inbox_signals'),
    senderClaims: db.collection('sender_claims'),
    close: () => client.close(),
  };
  const migrations = db.collection<MigrationDoc>('migrations');
  await ensureIndexes(database, migrations);
  await copyLegacyClaims(database, migrations);
  await boundTaskIds(database, migrations);
  const marker = 'suppressions-register';
  await backfillSuppressionRegister(
    database,
    async () => (await migrations.findOne({ _id: marker })) !== null,
    () => markMigrated(migrations, marker),
  );
  return database;
}

/** Plain indexes both MongoDB and FerretDB v1 accept (no partial, TTL or text indexes). */
type MigrationDoc = { _id: string; at: Date };

async function ensureIndexes(d: ParleyCollections, migrations: Collection<MigrationDoc>): Promise<void> {
  await d.contacts.createIndex({ email: 1 }, { unique: true });
  await migrateEnrollmentRounds(d, migrations);
  await d.enrollments.createIndex({ status: 1, nextStepAt: 1 });
  await d.enrollments.createIndex({ email: 1 });
  // Stats read the enrollments of a period (src/stats/read.ts).
  await d.enrollments.createIndex({ enrolledAt: 1 });
  await d.deliveries.createIndex({ enrollmentId: 1, stepId: 1 });
  await d.deliveries.createIndex({ messageId: 1 });
  // The send caps count recent claims per contact and per sender mailbox (src/sending/send-gate.ts).
  await d.sendClaims.createIndex({ to: 1, claimedAt: 1 });
  await d.sendClaims.createIndex({ from: 1, claimedAt: 1 });
  await d.tasks.createIndex({ status: 1, priority: 1, createdAt: 1 });
  await d.replies.createIndex({ 'correction.at': 1 });
  // A task's thread: the replies of its enrollment, read on every task view.
  await d.replies.createIndex({ enrollmentId: 1 });
  await d.tasks.createIndex({ status: 1, dueAt: 1 });
  // A send run's one read of its batch's conversations (src/db/conversation-store.ts).
  await d.tasks.createIndex({ contactId: 1, status: 1 });
  await d.tasks.createIndex({ assignee: 1, dueAt: 1 });
  await d.taskEvents.createIndex({ taskId: 1, at: 1 });
  await d.taskClaims.createIndex({ taskId: 1, claimNumber: -1 });
  await d.repMessages.createIndex({ messageId: 1 });
  await d.repMessages.createIndex({ enrollmentId: 1 });
  await d.roundRobin.createIndex({ pool: 1, turn: -1 });
  await d.mailboxLeases.createIndex({ mailbox: 1, term: -1 });
  await d.events.createIndex({ contactId: 1, at: 1 });
  await d.events.createIndex({ type: 1, at: 1 });
  await d.events.createIndex({ sequenceId: 1, at: 1 });
  await d.events.createIndex({ receivedAt: 1 });
  await d.segmentChanges.createIndex({ segmentId: 1, contactId: 1, n: 1 });
  await d.segmentChanges.createIndex({ contactId: 1 });
  await d.segmentChanges.createIndex({ segmentId: 1, at: 1 });
  // A refresh reads the rollups of the current segment conditions (a string equality); one contact's
  // rollup is read by _id; the queue is read whole (it holds only what is not folded yet).
  await d.contactRollups.createIndex({ definitions: 1 });
  // The event pass reads all queued markers of the contacts it folds.
  await d.rollupQueue.createIndex({ contactId: 1 });
  // Stats summaries: the markers and the summaries of a range of days (src/stats/days.ts).
  await d.statsQueue.createIndex({ day: 1 });
  await d.statsDays.createIndex({ day: 1 });
  // A lift cut off after the contact's write is finished from its contact's newest audit entry; the audit page reads the newest lifts.
  await d.suppressionAudit.createIndex({ contactId: 1, at: -1 });
  await d.suppressionAudit.createIndex({ at: -1 });
  // The admin page's recent replies that matched nothing (on MongoDB; FerretDB v1 reads them all).
  await d.replies.createIndex({ state: 1, receivedAt: -1 });
  // Outbound webhooks: the due deliveries, and the newest for admins (src/webhooks/).
  await d.webhookDeliveries.createIndex({ state: 1, nextAttemptAt: 1 });
  await d.webhookDeliveries.createIndex({ createdAt: 1 });
}

async function markMigrated(migrations: Collection<MigrationDoc>, marker: string): Promise<void> {
  await migrations.insertOne({ _id: marker, at: new Date() }).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
}

/**
 * Enrollments were unique per contact and sequence; with segment re-entry they are unique per
 * contact, sequence and round. Older documents get round 1 first: FerretDB's unique index lets
 * documents without the field repeat (STACK-NOTES), so every enrollment must carry it.
 */
async function migrateEnrollmentRounds(d: ParleyCollections, migrations: Collection<MigrationDoc>): Promise<void> {
  // Once per database: the filter reads every enrollment (no index serves "round is missing").
  const marker = 'enrollment-rounds';
  if (await migrations.findOne({ _id: marker })) return;
  await d.enrollments.updateMany({ round: { $exists: false } }, { $set: { round: 1 } });
  const indexes = await d.enrollments.indexes().catch(() => []);
  // Another worker starting at the same time may have dropped it already.
  if (indexes.some((i) => i.name === 'contactId_1_sequenceId_1'))
    await d.enrollments.dropIndex('contactId_1_sequenceId_1').catch(() => undefined);
  await d.enrollments.createIndex({ contactId: 1, sequenceId: 1, round: 1 }, { unique: true });
  await migrations.insertOne({ _id: marker, at: new Date() }).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
}

/**
 * Before send claims, a delivery document was its own claim. Copies a claim for each older
 * delivery once, so the step sender sees their attempts and the caps count them. Several workers
 * starting at once may copy together: duplicate claims are skipped. The marker is written last,
 * so a copy cut short is redone at the next start.
 */
async function copyLegacyClaims(d: ParleyCollections, migrations: Collection<MigrationDoc>): Promise<void> {
  const marker = 'send-claims-from-deliveries';
  if (await migrations.findOne({ _id: marker })) return;
  const cursor = d.deliveries.find(
    {},
    { projection: { enrollmentId: 1, stepId: 1, attempt: 1, worker: 1, leaseUntil: 1, claimedAt: 1, from: 1, to: 1, state: 1 } },
  );
  let batch: SendClaimDoc[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await d.sendClaims.insertMany(batch, { ordered: false }).catch((error: unknown) => {
      if (!hasOnlyDuplicateKeys(error)) throw error;
    });
    batch = [];
  };
  for await (const old of cursor) {
    batch.push(claimOf(old));
    if (old.state === 'failed' || old.state === 'abandoned') batch.push(releaseOf(old));
    if (batch.length >= 1000) await flush();
  }
  await flush();
  await migrations.insertOne({ _id: marker, at: new Date() }).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
}

/**
 * Tasks queued before ids were bounded carry a reply's whole Message-ID, and one over
 * MAX_TASK_ID_LENGTH may make a URL the router refuses: such a task moves to its bounded id, its
 * claims and audit events with it. Every step is safe to redo (a copy first, the old one deleted
 * last, the marker after all), so a start cut short or two workers at once lose nothing.
 */
async function boundTaskIds(d: ParleyCollections, migrations: Collection<MigrationDoc>): Promise<void> {
  const marker = 'task-ids-bounded';
  if (await migrations.findOne({ _id: marker })) return;
  // Once per database, and FerretDB v1 has no filter on string length: read every id.
  const long = (await d.tasks.find({}, { projection: { _id: 1 } }).toArray())
    .map((t) => t._id)
    .filter((id) => id.length > MAX_TASK_ID_LENGTH);
  for (const oldId of long) {
    const task = await d.tasks.findOne({ _id: oldId });
    if (!task) continue;
    const _id = boundedTaskId(oldId);
    await insertOnce(d.tasks, { ...task, _id });
    await d.taskClaims.updateMany({ taskId: oldId }, { $set: { taskId: _id } });
    await d.taskEvents.updateMany({ taskId: oldId }, { $set: { taskId: _id } });
    await d.tasks.deleteOne({ _id: oldId });
  }
  await migrations.insertOne({ _id: marker, at: new Date() }).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
}

/**
 * True when the database could not be reached (network, no server to select, client closed):
 * an outage to wait out and retry, not a bad request.
 */
export function isDatabaseUnreachable(error: unknown): error is MongoNetworkError | MongoServerSelectionError | MongoNotConnectedError {
  return error instanceof MongoNetworkError || error instanceof MongoServerSelectionError || error instanceof MongoNotConnectedError;
}

/** Waits until a MongoDB-protocol server at `url` answers a ping (a server just started); throws the last error after `timeoutMs`. */
export async function waitForDatabase(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, directConnection: true });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close();
    }
  }
}

/** How long the server may spend on a read before it gives up with an error (MongoDB's maxTimeMS). */
export interface TimeBound {
  maxTimeMS: number;
}

/**
 * Inserts a document whose key makes it once-only: 'duplicate' when that key is taken already
 * (an insert is atomic on MongoDB and FerretDB alike, so this is the guard the stores share).
 */
export async function insertOnce<T extends Document>(
  collection: Collection<T>,
  doc: OptionalUnlessRequiredId<T>,
): Promise<'inserted' | 'duplicate'> {
  try {
    await collection.insertOne(doc);
    return 'inserted';
  } catch (error) {
    if (isDuplicateKey(error)) return 'duplicate';
    throw error;
  }
}

/**
 * insertOnce for many documents in one unordered insert (one round trip, one transaction on
 * FerretDB instead of one per document): for each, 'duplicate' when its key was taken already.
 */
export async function insertEachOnce<T extends Document>(
  collection: Collection<T>,
  docs: ReadonlyArray<OptionalUnlessRequiredId<T>>,
): Promise<Array<'inserted' | 'duplicate'>> {
  if (docs.length === 0) return [];
  try {
    await collection.insertMany([...docs], { ordered: false });
    return docs.map(() => 'inserted');
  } catch (error) {
    // Unordered: every other document went in; only duplicates are an answer, anything else is a failure.
    if (!hasOnlyDuplicateKeys(error)) throw error;
    const duplicates = new Set(writeErrorIndexes(error));
    return docs.map((_, i) => (duplicates.has(i) ? 'duplicate' : 'inserted'));
  }
}

/** True for MongoDB's duplicate-key error: someone else's insert with the same key won. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Lists the suppressions stored on contacts before the register existed (or whose listing was cut
 * off by a crash before this start). Once per database: the filter reads every contact.
 */
async function backfillSuppressionRegister(
  d: { contacts: Collection<ContactDoc>; suppressions: Collection<SuppressionEntryDoc> },
  alreadyDone: () => Promise<boolean>,
  markDone: () => Promise<void>,
): Promise<void> {
  if (await alreadyDone()) return;
  const cursor = d.contacts.find({ 'suppressed.at': { $exists: true } }, { projection: { email: 1, suppressed: 1, undeliverable: 1 } });
  let batch: SuppressionEntryDoc[] = [];
  for await (const contact of cursor) {
    if (!contact.suppressed) continue;
    const bounce = contact.undeliverable
      ? { status: contact.undeliverable.status, diagnostic: contact.undeliverable.diagnostic }
      : undefined;
    // Before lifts existed every contact had one `unsubscribed` event, keyed by its id.
    const eventId = contact.suppressed.reason === 'unsubscribe' ? `unsubscribed:${contact._id}` : undefined;
    batch.push(suppressionEntryOf(contact, contact.suppressed, { bounce, eventId }));
    if (batch.length >= 500) {
      await insertEachOnce(d.suppressions, batch);
      batch = [];
    }
  }
  await insertEachOnce(d.suppressions, batch);
  await markDone();
}
