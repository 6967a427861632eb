import headerParser, { type ParsedAuthResult, type ParsedAuthenticationResults } from 'mailauth/lib/parse-dkim-headers.js';
import type { AuthMethodResult, SenderAuthentication } from '../db/index.ts';

/**
 * Characters of one Authentication-Results value that are parsed; a longer header is not read.
 * A receiving server's own header is a few hundred characters; the parser's cost grows with the
 * length (about 0.4 s per MB), and anyone can send a megabyte of header.
 */
export const MAX_AUTH_RESULTS_CHARS = 8_192;
/** Authentication-Results headers looked at, from the top: the receiving server's are the first ones. */
export const MAX_AUTH_RESULTS_HEADERS = 16;

/** RFC 8601 section 2.7 result keywords (plus `hardfail`, which some SPF checkers write); anything else is not trusted to mean anything. */
const RESULTS = new Set(['pass', 'fail', 'softfail', 'hardfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

export const UNKNOWN_AUTHENTICATION: SenderAuthentication = Object.freeze({ verdict: 'unknown', dkim: [] });

/**
 * The receiving server's verdict on a message's sender, from its Authentication-Results headers
 * (RFC 8601), topmost first. Only headers whose authserv-id is one of `trustedIds` count (none
 * when the list is empty), and only the first run of them from the top: a server adds its header
 * above those already there, so a trusted-looking header lower down was written before the
 * message reached it, by whoever sent it. A DMARC fail in any counted header is a fail, and so
 * is a DMARC result about another domain than the From address's; a pass counts only for the
 * From address's own domain.
 */
export function readAuthenticationResults(
  values: readonly string[],
  options: { trustedIds: readonly string[]; fromDomain: string | undefined },
): SenderAuthentication {
  const trusted = new Set(options.trustedIds.map((id) => id.trim().toLowerCase()).filter(Boolean));
  if (trusted.size === 0) return UNKNOWN_AUTHENTICATION;
  const counted: ParsedAuthenticationResults[] = [];
  let authservId: string | undefined;
  for (const value of values.slice(0, MAX_AUTH_RESULTS_HEADERS)) {
    const parsed = value.length <= MAX_AUTH_RESULTS_CHARS ? headerParser(`Authentication-Results: ${value}`).parsed : undefined;
    const id = parsed && authservIdOf(parsed);
    if (parsed && id && trusted.has(id)) {
      authservId ??= id;
      // One server's run of headers (a milter per method) all carry its id; another id ends it.
      if (id === authservId) {
        counted.push(parsed);
        continue;
      }
    }
    // A header too long to read hides what is below it: the search ends there. A foreign one above
    // the first trusted one is skipped (another hop of the receiving side may add its own on top);
    // once the run has started, it ends the run.
    if (!parsed || authservId) break;
  }
  if (!authservId) return UNKNOWN_AUTHENTICATION;
  const dmarcs = counted.flatMap((h) => methodResults(h, 'dmarc', ['header.from']));
  const dkim = counted.flatMap((h) => methodResults(h, 'dkim', ['header.d', 'header.i'])).slice(0, 8);
  const spf = counted.flatMap((h) => methodResults(h, 'spf', ['smtp.mailfrom', 'smtp.helo']))[0];
  const fromDomain = options.fromDomain?.toLowerCase();
  // DMARC about another author domain than the From we read (two From headers, an address our
  // parser reads differently): nothing vouches for our reading, so it counts as a fail.
  const failed = dmarcs.find((d) => d.result === 'fail' || (d.domain !== undefined && d.domain !== fromDomain));
  const passed = dmarcs.find((d) => d.result === 'pass' && d.domain !== undefined && d.domain === fromDomain);
  const dmarc = failed ?? passed ?? dmarcs[0];
  const verdict = failed ? 'fail' : passed ? 'pass' : dmarc?.result === 'none' ? 'none' : 'unknown';
  return { verdict, authservId, dkim, ...(dmarc && { dmarc }), ...(spf && { spf }) };
}

/** "mx.example.com 1" (authserv-id, then an optional version): the id, lower-cased. */
function authservIdOf(parsed: ParsedAuthenticationResults): string | undefined {
  const value = typeof parsed.value === 'string' ? parsed.value : '';
  return value.split(/\s/, 1)[0]?.toLowerCase() || undefined;
}

function methodResults(parsed: ParsedAuthenticationResults, method: 'dmarc' | 'dkim' | 'spf', domainFrom: string[]): AuthMethodResult[] {
  const raw = parsed[method];
  const entries = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return entries.map((entry) => ({ result: resultOf(entry), ...optionalDomain(domainOf(entry, domainFrom)) }));
}

function resultOf(entry: ParsedAuthResult): string {
  const result = typeof entry.value === 'string' ? entry.value.toLowerCase() : '';
  return RESULTS.has(result) ? result : 'unknown';
}

/** The first of the properties (`ptype.property`) that holds a domain: "@d.example" and "user@d.example" give d.example. */
function domainOf(entry: ParsedAuthResult, properties: string[]): string | undefined {
  for (const property of properties) {
    const [ptype, name] = property.split('.') as [string, string];
    const group = entry[ptype];
    const value = group && typeof group === 'object' ? (group as Record<string, unknown>)[name] : undefined;
    if (typeof value !== 'string') continue;
    const domain = value
      .slice(value.lastIndexOf('@') + 1)
      .trim()
      .toLowerCase()
      .replace(/\.$/, '');
    if (domain.length <= 253 && DOMAIN.test(domain)) return domain;
  }
  return undefined;
}

const optionalDomain = (domain: string | undefined) => (domain === undefined ? {} : { domain });
