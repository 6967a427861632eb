import { htmlToText } from 'html-to-text';

// An HTML-only reply marks its quoted history (and often its signature) with elements, which are lost once it is text: cut
// there first. Everything after the first marker is history, because replies are top-posted in
// HTML clients (inline answers there are rare and also sit inside the quote container).

/**
 * The elements that start a quote container, as tests on one opening tag (its name, then its
 * attributes). Each tag is found by one linear scan (`TAG` below); a regex of the form `<div\b[^>]*\bclass`
 * run over the whole message retried from every "<div" and took 29 s on 100 KB of "<div ".
 */
const QUOTE_CONTAINERS: ReadonlyArray<{ tag: RegExp; attributes: RegExp }> = [
  // Gmail: <div class="gmail_quote"> (newer: "gmail_quote gmail_quote_container") holds the attribution and the quote.
  { tag: /^div$/i, attributes: /\bclass\s*=\s*["']?[^"'>]*\bgmail_quote/i },
  // Outlook web and new Outlook: the From/Sent header block; the quoted body follows it as siblings.
  { tag: /^div$/i, attributes: /\bid\s*=\s*["']?(?:divRplyFwdMsg|appendonsend)\b/i },
  // Outlook desktop: the header block is a div with a thin top border.
  { tag: /^div$/i, attributes: /\bstyle\s*=\s*["'][^"']*border-top\s*:\s*solid\s+#(?:E1E1E1|B5C4DF)\b/i },
  // Apple Mail and Thunderbird: <blockquote type="cite">; Thunderbird puts its attribution before it.
  { tag: /^blockquote$/i, attributes: /\btype\s*=\s*["']?cite\b/i },
  { tag: /^div$/i, attributes: /\bclass\s*=\s*["']?[^"'>]*\bmoz-cite-prefix\b/i },
  // Hotmail and Outlook.com: the rule above their Date/Subject/From/To header block.
  { tag: /^hr$/i, attributes: /\bid\s*=\s*["']?stopSpelling\b/i },
  // Yahoo Mail, which prefixes the class with an id of its own ("ydp3f2a1b0cyahoo_quoted").
  { tag: /^div$/i, attributes: /\bclass\s*=\s*["']?[^"'>]*yahoo_quoted\b/i },
  // Zimbra: the rule above its From/To/Sent header block.
  { tag: /^hr$/i, attributes: /\bid\s*=\s*["']?zwchr\b/i },
  // Signatures the clients mark, which sit between the reply and the quote: Gmail (with its "-- "
  // prefix), Outlook on the web, Thunderbird.
  { tag: /^(?:span|div)$/i, attributes: /\bclass\s*=\s*["']?[^"'>]*\bgmail_signature/i },
  { tag: /^div$/, attributes: /\bid\s*=\s*["']?Signature\b/ },
  { tag: /^div$/i, attributes: /\bclass\s*=\s*["']?[^"'>]*\bmoz-signature\b/i },
];

/**
 * A tag: "/" when it closes one, its name, and the rest of it up to its ">" (or up to the next "<"
 * when no ">" comes first). `[^<>]` stops at the next "<", so the scan reads every character at most
 * twice. Every "<name" counts, also one inside an attribute value or a comment that a parser would
 * not take for a tag: limitNesting counts too many rather than too few.
 */
const TAG = /<(\/?)([a-z][a-z0-9]*)\b([^<>]*)>?/gi;

/** Longer attributes are no client's quote marker, and the marker patterns are not run over them. */
const MAX_ATTRIBUTES_CHARS = 4_000;

/** Where the first quote container starts, or the length of `html` when there is none. */
function firstQuoteContainer(html: string): number {
  for (const match of html.matchAll(TAG)) {
    const [, closing, name = '', attributes = ''] = match;
    if (closing || !attributes.trim() || attributes.length > MAX_ATTRIBUTES_CHARS) continue;
    if (QUOTE_CONTAINERS.some((marker) => marker.tag.test(name) && marker.attributes.test(attributes))) return match.index;
  }
  return html.length;
}

/**
 * HTML searched for a quote container: the start of a part, where the reply's own words are. The
 * scan is linear, but 9.6 MB of `<p>a</p>` still took 1.2 s; what lies past this is history or
 * attachments inlined, never read (MAX_HTML_CHARS). Unit: characters.
 */
const MAX_SCAN_CHARS = 1_000_000;

/** Cuts the HTML at its first quote container; a separator `<hr>` left just before it goes too. */
export function cutHtmlQuotes(whole: string): string {
  const html = whole.slice(0, MAX_SCAN_CHARS);
  const end = firstQuoteContainer(html);
  if (end === html.length) return html;
  // Only the tail is searched: an end-anchored regex retries from every position of its input.
  const head = html.slice(0, Math.max(0, end - TAIL_CHARS));
  const tail = html.slice(head.length, end).replace(/(?:<hr\b[^>]*>|<br\b[^>]*>|<div\b[^>]*>|\s)+$/i, '');
  return head + tail;
}

/** How far back from the cut a leftover separator is looked for. Unit: characters. */
const TAIL_CHARS = 1_000;

/**
 * HTML read for a reply's words: its start. The text is cut at 16,000 characters after conversion
 * anyway (visible-text.ts); the bound keeps a huge part from costing time. Unit: characters.
 */
const MAX_HTML_CHARS = 256_000;

/**
 * Elements nested deeper than this are dropped before parsing. htmlparser2 looks through its stack
 * of open elements at each tag, so its time grows with the square of the depth: 40,000 nested
 * <div> took 3 s, and a 1.2 MB message blocked the worker for a minute. No client nests this deep.
 */
const MAX_NESTING = 100;

/** Elements that never hold others (no closing tag), so they never deepen the nesting. */
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * `html` with the opening tags beyond `maxNesting` removed, in one linear scan that keeps its own
 * stack of open elements as the parser would: a closing tag closes down to its element, if open.
 * The stack never holds fewer elements than the parser's, so the parser never nests deeper.
 */
export function limitNesting(html: string, maxNesting = MAX_NESTING): string {
  const open: string[] = [];
  const openCount = new Map<string, number>();
  let out = '';
  let copied = 0;
  for (const match of html.matchAll(TAG)) {
    const [tag, closing, rawName = ''] = match;
    const name = rawName.toLowerCase();
    if (closing) {
      if (!openCount.get(name)) continue;
      for (let top = open.pop(); top !== undefined; top = open.pop()) {
        openCount.set(top, (openCount.get(top) ?? 1) - 1);
        if (top === name) break;
      }
    } else if (VOID_ELEMENTS.has(name)) {
      continue;
    } else if (open.length < maxNesting) {
      open.push(name);
      openCount.set(name, (openCount.get(name) ?? 0) + 1);
    } else {
      out += html.slice(copied, match.index);
      copied = match.index + tag.length;
    }
  }
  return copied === 0 ? html : out + html.slice(copied);
}

export function htmlToPlainText(html: string): string {
  return htmlToText(limitNesting(html.slice(0, MAX_HTML_CHARS)), {
    // No wrapping: a wrapped "On ... wrote:" line is harder for the parser to recognise.
    wordwrap: false,
    // Link targets and images are noise to a reader of the reply (and to the intent model).
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
    ],
    // html-to-text walks the tree recursively; mailparser caps the depth for the same reason.
    limits: { maxDepth: 200 },
  });
}
