import { ErrorCodes, ParleyError } from '../errors.ts';

// Deliberately permissive (the SMTP server has the last word); it catches typos like a missing @.
const ADDRESS = /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** The address contacts are keyed by: trimmed, lower-cased. Throws CONTACT_ADDRESS_INVALID for anything that is not one. */
export function normaliseAddress(email: string): string {
  const address = email.trim().toLowerCase();
  if (!ADDRESS.test(address)) {
    throw new ParleyError(ErrorCodes.CONTACT_ADDRESS_INVALID, `"${email}" is not an email address; fix or remove it.`);
  }
  return address;
}

/** Custom field names become keys of `fields`: identifiers only, since FerretDB refuses keys with '.' or a leading '$'. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
