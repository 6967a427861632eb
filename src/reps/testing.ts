import { randomBytes, scryptSync } from 'node:crypto';

/** Tests only: a hash as Parley stored them before OWASP's parameters (N=2^14, r=8, p=1). */
export function legacyPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, { N: 2 ** 14, r: 8, p: 1 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}
