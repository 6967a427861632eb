import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import pLimit from 'p-limit';

/** scrypt cost parameters (RFC 7914). */
interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * New hashes: N=2^17, r=8, p=1, OWASP's Password Storage Cheat Sheet values for scrypt (128 MiB
 * and a few hundred ms per hash). Hashes stored with other parameters still verify and are
 * rewritten with these at the next successful login (see `needsRehash`).
 */
const CURRENT: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/**
 * Bytes; stored parameters that would make one login cost more memory than this are refused, so a
 * tampered hash cannot make the server allocate gigabytes.
 */
const MAX_MEMORY = 256 * 1024 * 1024;

/**
 * Hashes computed at once. scrypt runs on libuv's pool of four threads, which DNS lookups and file
 * reads share: a burst of logins (or guesses) may hold two of them and 256 MiB, never all four and
 * 512 MiB; the rest wait their turn.
 */
const hashing = pLimit(2);

export const MIN_PASSWORD_LENGTH = 12;

/** Bytes scrypt allocates (OpenSSL's own check: 128·r·(N+2) for V plus 128·r·p for B), with slack. */
const memoryFor = ({ N, r, p }: ScryptParams): number => 128 * r * (N + 2) + 128 * r * p + 1024 * 1024;

/** Asynchronous on purpose: at these parameters a hash is a few hundred ms, which must not block the event loop. */
function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, length, { ...params, maxmem: memoryFor(params) }, (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

/** Hashes running and waiting now (for tests and metrics). */
export const hashingLoad = (): { running: number; waiting: number } => ({ running: hashing.activeCount, waiting: hashing.pendingCount });

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  return hashWith(password, CURRENT);
}

async function hashWith(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface StoredHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): StoredHash | undefined {
  const parts = stored.split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt' || !salt || !hash) return undefined;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((v) => Number.isInteger(v) && v > 0)) return undefined;
  if (memoryFor(params) > MAX_MEMORY) return undefined;
  const expected = Buffer.from(hash, 'base64');
  return expected.length === 0 ? undefined : { params, salt: Buffer.from(salt, 'base64'), hash: expected };
}

/** True when the password matches the stored hash; compares in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  let key: Buffer;
  try {
    key = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  } catch {
    return false;
  }
  return timingSafeEqual(key, parsed.hash);
}

/** True for a well-formed hash made with other parameters than today's (e.g. N=2^14 before 2026-12): rehash it at login. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  const { N, r, p } = parsed.params;
  return N !== CURRENT.N || r !== CURRENT.r || p !== CURRENT.p || parsed.hash.length !== KEY_BYTES;
}

let dummy: Promise<string> | undefined;
/** A hash of nothing anyone knows, so an unknown email costs the same scrypt run as a wrong password. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  return dummy;
}
