// mailauth's package types cover its verification API, not the RFC 8601 header parser inside it
// (lib/parse-dkim-headers.js, the one its ARC code uses). This declares the one call we use.
declare module 'mailauth/lib/parse-dkim-headers.js' {
  /** A method's result, e.g. `{ value: 'pass', header: { from: 'example.com' }, comment: '...' }`. */
  export interface ParsedAuthResult {
    value?: string;
    comment?: string;
    [ptype: string]: unknown;
  }
  /** `value` is the authserv-id (and version); each method keys its result, `dkim` a list of them. */
  export interface ParsedAuthenticationResults {
    header?: string;
    value?: string;
    dkim?: ParsedAuthResult[];
    [method: string]: ParsedAuthResult | ParsedAuthResult[] | string | undefined;
  }
  export default function headerParser(line: string): { parsed: ParsedAuthenticationResults };
}
