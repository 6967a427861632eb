import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe tokens: `<base64url(contactId)>.<base64url(HMAC-SHA256(secret, purpose + contactId))>`.
 *
 * The token is the only credential of the unsubscribe link, so it must be unforgeable (an HMAC
 * under a secret only the worker knows) but it carries no expiry on purpose: people unsubscribe
 * from mail that is months or years old, and a link that stopped working turns into a spam
 * complaint (CAN-SPAM alone requires it to work for at least 30 days after sending). The worst a
 * leaked token can do is show that contact's masked address and unsubscribe it, which is what that
 * person asked for anyway. To revoke every link at once, change UNSUBSCRIBE_SECRET (this breaks all links sent).
 */

// Domain separation: a MAC made for another purpose with the same secret is never a valid token.
const PURPOSE = 'parley/unsubscribe/v1\n';
const MAC_BYTES = 32;
/** Longer tokens are rejected before any work: ids are short, a huge path is an attack. */
export const MAX_TOKEN_LENGTH = 512;

function mac(secret: string, contactId: string): Buffer {
  return createHmac('sha256', secret).update(PURPOSE).update(contactId, 'utf8').digest();
}

/** The token for one contact's unsubscribe link: URL-safe, stable (the same inputs give the same token). */
export function unsubscribeToken(secret: string, contactId: string): string {
  return `${Buffer.from(contactId, 'utf8').toString('base64url')}.${mac(secret, contactId).toString('base64url')}`;
}

/** The contact id a token was made for, or undefined when it is malformed or signed with another key. */
export function verifyUnsubscribeToken(secret: string, token: string): string | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const idPart = token.slice(0, dot);
  const macPart = token.slice(dot + 1);
  if (!isBase64Url(idPart) || !isBase64Url(macPart)) return undefined;
  const contactId = Buffer.from(idPart, 'base64url').toString('utf8');
  // Re-encoding must give back the same text, or two spellings would name one contact (and a
  // lossy UTF-8 decode could map an invalid id onto a valid one).
  if (Buffer.from(contactId, 'utf8').toString('base64url') !== idPart) return undefined;
  const given = Buffer.from(macPart, 'base64url');
  if (given.length !== MAC_BYTES) return undefined;
  // Constant time, so response timing does not reveal how many leading bytes of a guess match.
  return timingSafeEqual(given, mac(secret, contactId)) ? contactId : undefined;
}

function isBase64Url(text: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(text);
}
