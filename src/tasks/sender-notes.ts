import type { AuthMethodResult, SenderAuthentication } from '../db/index.ts';

/**
 * The receiving server's verdict on a reply's sender, in one line for people:
 * "dmarc=fail (lead.example), dkim=pass (lead.example), spf=pass (lead.example) per mx.example.com".
 */
export function describeAuthentication(auth: SenderAuthentication | undefined): string {
  if (!auth?.authservId) return 'unknown (no trusted Authentication-Results header)';
  const one = (method: string, r: AuthMethodResult | undefined) =>
    r ? `${method}=${r.result}${r.domain ? ` (${r.domain})` : ''}` : `${method}: no result`;
  const dkim = auth.dkim.length > 0 ? auth.dkim.map((r) => one('dkim', r)).join(', ') : one('dkim', undefined);
  return `${one('dmarc', auth.dmarc)}, ${dkim}, ${one('spf', auth.spf)} per ${auth.authservId}`;
}
