import { ErrorCodes, ParleyError } from '../errors.ts';
import { unsubscribeToken } from './token.ts';

/** Path of the unsubscribe page under PUBLIC_BASE_URL; the web server's route uses the same prefix. */
export const UNSUBSCRIBE_PATH = 'u';

/**
 * The link a contact follows (or a mail client POSTs to, RFC 8058) to unsubscribe, e.g.
 * `https://parley.example.com/u/<token>`. `publicBaseUrl` may carry a path prefix
 * (`https://example.com/parley`) when a proxy serves Parley below one.
 */
export function unsubscribeUrl(publicBaseUrl: string, secret: string, contactId: string): string {
  const base = new URL(publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`);
  return new URL(`${UNSUBSCRIBE_PATH}/${unsubscribeToken(secret, contactId)}`, base).href;
}

// RFC 6068 addr-spec kept to characters that need no percent-encoding in a mailto URI, so the
// header can never carry anything but an address (no `>`, `?`, spaces or line breaks).
const MAILTO_ADDRESS = /^[A-Za-z0-9._+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/**
 * The subject the mailto link asks the mail client to send. The reply classifier treats a reply
 * with exactly this subject as an unsubscribe (src/classify/rules.ts).
 */
export const MAILTO_UNSUBSCRIBE_SUBJECT = 'unsubscribe';

/**
 * Headers for nodemailer's `headers` option that let mail clients show their own "Unsubscribe"
 * button: one `List-Unsubscribe` with both URIs (RFC 2369 §3.2 lists alternatives in one field and
 * the client uses the leftmost it supports; the mailto serves clients without HTTP) and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), which tells the client it may
 * POST to the https URI without showing a page. Not nodemailer's `list.unsubscribe`, which writes
 * one header line per URI (STACK-NOTES).
 * RFC 8058 requires an https URI for one-click, so with an http URL (local development) the Post
 * header is left out and clients fall back to opening the page.
 */
export function listUnsubscribeHeaders(options: { mailto: string; url: string }): Record<string, string> {
  const address = options.mailto.replace(/^mailto:/i, '');
  if (!MAILTO_ADDRESS.test(address)) {
    throw new ParleyError(
      ErrorCodes.CONFIG_INVALID,
      `"${options.mailto}" cannot be a List-Unsubscribe mailto address; use a plain address such as unsubscribe@example.com.`,
    );
  }
  if (!URL.canParse(options.url)) {
    throw new ParleyError(ErrorCodes.CONFIG_INVALID, 'The unsubscribe URL is not a URL; check PUBLIC_BASE_URL.');
  }
  // URL serialisation percent-encodes spaces, angle brackets and control characters.
  const url = new URL(options.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ParleyError(ErrorCodes.CONFIG_INVALID, 'The unsubscribe URL must be https; check PUBLIC_BASE_URL.');
  }
  const headers: Record<string, string> = {
    'List-Unsubscribe': `<mailto:${address}?subject=${MAILTO_UNSUBSCRIBE_SUBJECT}>, <${url.href}>`,
  };
  if (url.protocol === 'https:') headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  return headers;
}
