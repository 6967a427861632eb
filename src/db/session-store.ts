import { createHash, randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';

// The reps' web sessions (`sessions`), read by the web app (src/web/app/auth.ts).

/**
 * A signed-in rep's session. The cookie holds a random id; the collection keys the session by the
 * id's SHA-256, so a copy of the database (a backup, a log of queries) holds no usable cookie.
 * FerretDB v1 has no TTL index: expiry is checked on every read, and expired sessions are purged
 * at each login.
 */
export interface SessionDoc {
  /** SHA-256 (hex) of the cookie's session id. */
  _id: string;
  /** The rep's email (RepDoc._id). */
  rep: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Milliseconds a session lasts from login: one working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const hashOf = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

export class SessionStore {
  readonly #sessions: Collection<SessionDoc>;

  constructor(db: Db) {
    this.#sessions = db.collection<SessionDoc>('sessions');
  }

  /** Starts a session for the rep and returns the id to put in the cookie (256 random bits). */
  async create(rep: string, now: Date): Promise<string> {
    await this.#sessions.deleteMany({ expiresAt: { $lte: now } });
    const id = randomBytes(32).toString('base64url');
    await this.#sessions.insertOne({ _id: hashOf(id), rep, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) });
    return id;
  }

  /** The rep's email for a live session; undefined for an unknown or expired one. */
  async find(sessionId: string, now: Date): Promise<string | undefined> {
    const session = await this.#sessions.findOne({ _id: hashOf(sessionId) });
    if (!session) return undefined;
    if (session.expiresAt.getTime() <= now.getTime()) {
      await this.#sessions.deleteOne({ _id: session._id });
      return undefined;
    }
    return session.rep;
  }

  /** Ends every session of a rep (removed, or their password reset); returns how many. Sessions are few: the scan is cheap. */
  async deleteForRep(rep: string): Promise<number> {
    return (await this.#sessions.deleteMany({ rep })).deletedCount;
  }

  async delete(sessionId: string): Promise<void> {
    await this.#sessions.deleteOne({ _id: hashOf(sessionId) });
  }
}
