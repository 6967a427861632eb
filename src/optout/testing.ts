import { randomBytes } from 'node:crypto';
import { connectDatabase, type ContactDoc, type Database, type EnrollmentDoc, type EnrollmentStatus } from '../db/index.ts';
import { startFerretDB, type EmbeddedDatabase } from '../embedded/index.ts';

/** For tests only: a database of its own on MONGODB_URL, or on a FerretDB started for the file. */
export async function startTestDatabase(prefix: string): Promise<{ db: Database; url: string; stop(): Promise<void> }> {
  let ferret: EmbeddedDatabase | undefined;
  const url = process.env.MONGODB_URL ?? (ferret = await startFerretDB()).url;
  const db = await connectDatabase(url, `parley_${prefix}_${randomBytes(4).toString('hex')}`);
  return {
    db,
    url,
    async stop() {
      if (!ferret) await db.db.dropDatabase();
      await db.close();
      await ferret?.stop();
    },
  };
}

export function contactDoc(id: string, email: string, at = new Date('2026-01-05T09:00:00Z')): ContactDoc {
  return { _id: id, email, fields: {}, createdAt: at, updatedAt: at };
}

export function enrollmentDoc(id: string, contact: ContactDoc, status: EnrollmentStatus, sequenceId = `seq-${id}`): EnrollmentDoc {
  const at = new Date('2026-01-05T09:00:00Z');
  return {
    _id: id,
    contactId: contact._id,
    email: contact.email,
    sequenceId,
    status,
    passedStepIds: [],
    skippedSteps: [],
    nextStepAt: status === 'active' ? new Date('2026-01-06T09:00:00Z') : null,
    threadMessageIds: [],
    enrolledAt: at,
    updatedAt: at,
  };
}
