import { MongoClient, MongoServerError, type Collection, type Db } from 'mongodb';
import type {
  ContactDoc,
  DeliveryDoc,
  EnrollmentDoc,
  IntentModelDoc,
  MailboxCursorDoc,
  QuarantineDoc,
  ReplyDoc,
  TaskDoc,
} from './documents.ts';

/** Parley's collections, typed. The only way the rest of the code reaches MongoDB. */
export interface ParleyCollections {
  contacts: Collection<ContactDoc>;
  enrollments: Collection<EnrollmentDoc>;
  deliveries: Collection<DeliveryDoc>;
  replies: Collection<ReplyDoc>;
  tasks: Collection<TaskDoc>;
  mailboxCursors: Collection<MailboxCursorDoc>;
  quarantine: Collection<QuarantineDoc>;
  intentModels: Collection<IntentModelDoc>;
}

export interface Database extends ParleyCollections {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

export async function connectDatabase(url: string, name: string): Promise<Database> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(name);
  const database: Database = {
    client,
    db,
    contacts: db.collection('contacts'),
    enrollments: db.collection('enrollments'),
    deliveries: db.collection('deliveries'),
    replies: db.collection('replies'),
    tasks: db.collection('tasks'),
    mailboxCursors: db.collection('mailbox_cursors'),
    quarantine: db.collection('quarantine'),
    intentModels: db.collection('intent_models'),
    close: () => client.close(),
  };
  await ensureIndexes(database);
  return database;
}

/** Plain indexes both MongoDB and FerretDB v1 accept (no partial, TTL or text indexes). */
async function ensureIndexes(d: ParleyCollections): Promise<void> {
  await d.contacts.createIndex({ email: 1 }, { unique: true });
  await d.enrollments.createIndex({ contactId: 1, sequenceId: 1 }, { unique: true });
  await d.enrollments.createIndex({ status: 1, nextStepAt: 1 });
  await d.enrollments.createIndex({ email: 1 });
  await d.deliveries.createIndex({ enrollmentId: 1, stepId: 1 });
  await d.deliveries.createIndex({ messageId: 1 });
  await d.tasks.createIndex({ status: 1, priority: 1, createdAt: 1 });
  await d.replies.createIndex({ 'correction.at': 1 });
}

/** True for MongoDB's duplicate-key error: someone else's insert with the same key won. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
