import { repStore, type ParleyCollections, type RepDoc } from '../db/index.ts';
import { normaliseAddress } from '../contacts/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { dummyHash, hashPassword, MIN_PASSWORD_LENGTH, needsRehash, verifyPassword } from './password.ts';

export interface RepInput {
  email: string;
  name: string;
  role: 'admin' | 'rep';
  password: string;
  lead?: boolean | undefined;
}

/** Adds a rep (on duty from the start). Throws REP_INVALID for a bad address, name or short password, REP_EXISTS for a taken address. */
export async function addRep(db: ParleyCollections, input: RepInput, now = new Date()): Promise<RepDoc> {
  let email: string;
  try {
    email = normaliseAddress(input.email);
  } catch {
    throw new ParleyError(ErrorCodes.REP_INVALID, `"${input.email}" is not an email address; give the rep's work address.`);
  }
  const name = input.name.trim();
  if (!name) throw new ParleyError(ErrorCodes.REP_INVALID, 'The rep needs a name: it signs the answers they send.');
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new ParleyError(
      ErrorCodes.REP_INVALID,
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters; choose a longer one.`,
    );
  }
  const rep: RepDoc = {
    _id: email,
    name,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    onDuty: true,
    lead: input.lead ?? false,
    createdAt: now,
  };
  if ((await repStore(db).insert(rep)) === 'duplicate')
    throw new ParleyError(ErrorCodes.REP_EXISTS, `A rep with the address ${email} exists already.`);
  return rep;
}

/**
 * The rep whose email and password these are, or undefined. An unknown address runs the same
 * scrypt work as a wrong password, so response times don't tell which addresses are reps. A hash
 * made with older scrypt parameters is rewritten with today's once the password is known right.
 */
export async function verifyRepLogin(db: ParleyCollections, email: string, password: string): Promise<RepDoc | undefined> {
  const reps = repStore(db);
  const rep = await reps.get(email.trim().toLowerCase());
  const ok = await verifyPassword(password, rep?.passwordHash ?? (await dummyHash()));
  if (!rep || !ok) return undefined;
  if (!needsRehash(rep.passwordHash)) return rep;
  const passwordHash = await hashPassword(password);
  await reps.replacePasswordHash(rep._id, rep.passwordHash, passwordHash);
  return { ...rep, passwordHash };
}

export async function setOnDuty(db: ParleyCollections, email: string, onDuty: boolean): Promise<void> {
  if (!(await repStore(db).setOnDuty(email.trim().toLowerCase(), onDuty)))
    throw new ParleyError(ErrorCodes.REP_NOT_FOUND, `No rep ${email}; add one with \`parley reps add\`.`);
}

export async function getRep(db: ParleyCollections, email: string): Promise<RepDoc | undefined> {
  return (await repStore(db).get(email.trim().toLowerCase())) ?? undefined;
}

export async function listReps(db: ParleyCollections): Promise<RepDoc[]> {
  return repStore(db).all();
}
