import { randomBytes } from 'node:crypto';
import { repStore, SessionStore, type Database } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { returnTasksToPool } from '../tasks/index.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password.ts';

const notFound = (email: string) =>
  new ParleyError(ErrorCodes.REP_NOT_FOUND, `No rep ${email}; see \`parley reps list\` for the addresses.`);

/**
 * Removes a rep: their open and claimed tasks go back to the pool (unassigned, claims released),
 * their sessions end, and their account is deleted so they can no longer log in. Returns the
 * tasks handed back. `by` is who did it, for the tasks' audit trail.
 */
export async function removeRep(db: Database, email: string, by: string, now = new Date()): Promise<string[]> {
  const id = email.trim().toLowerCase();
  // The account goes first: a login racing the removal finds no rep.
  if (!(await repStore(db).remove(id))) throw notFound(email);
  await new SessionStore(db.db).deleteForRep(id);
  return returnTasksToPool(db, id, by, now);
}

/** A one-time password to hand over in person: 18 random bytes, 24 characters of base64url. */
export const oneTimePassword = (): string => randomBytes(18).toString('base64url');

/** Sets a new password (scrypt, as at `reps add`) and ends every session the rep has. */
export async function resetRepPassword(db: Database, email: string, password: string): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ParleyError(
      ErrorCodes.REP_INVALID,
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters; choose a longer one.`,
    );
  const id = email.trim().toLowerCase();
  if (!(await repStore(db).setPasswordHash(id, await hashPassword(password)))) throw notFound(email);
  await new SessionStore(db.db).deleteForRep(id);
}
