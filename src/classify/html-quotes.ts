import { htmlToText } from 'html-to-text';

// An HTML-only reply marks its quoted history (and often its signature) with elements, which are lost once it is text: cut
// there first. Everything after the first marker is history, because replies are top-posted in
// HTML clients (inline answers there are rare and also sit inside the quote container).

const QUOTE_CONTAINERS: readonly RegExp[] = [
  // Gmail: <div class="gmail_quote"> (newer: "gmail_quote gmail_quote_container") holds the attribution and the quote.
  /<div\b[^>]*\bclass\s*=\s*["']?[^"'>]*\bgmail_quote/i,
  // Outlook web and new Outlook: the From/Sent header block; the quoted body follows it as siblings.
  /<div\b[^>]*\bid\s*=\s*["']?(?:divRplyFwdMsg|appendonsend)\b/i,
  // Outlook desktop: the header block is a div with a thin top border.
  /<div\b[^>]*\bstyle\s*=\s*["'][^"']*border-top\s*:\s*solid\s+#(?:E1E1E1|B5C4DF)\b/i,
  // Apple Mail and Thunderbird: <blockquote type="cite">; Thunderbird puts its attribution before it.
  /<blockquote\b[^>]*\btype\s*=\s*["']?cite\b/i,
  /<div\b[^>]*\bclass\s*=\s*["']?[^"'>]*\bmoz-cite-prefix\b/i,
  // Yahoo Mail.
  /<div\b[^>]*\bclass\s*=\s*["']?[^"'>]*\byahoo_quoted\b/i,
  // Signatures the clients mark, which sit between the reply and the quote: Gmail (with its "-- "
  // prefix), Outlook on the web, Thunderbird.
  /<(?:span|div)\b[^>]*\bclass\s*=\s*["']?[^"'>]*\bgmail_signature/i,
  /<div\b[^>]*\bid\s*=\s*["']?Signature\b/,
  /<div\b[^>]*\bclass\s*=\s*["']?[^"'>]*\bmoz-signature\b/i,
];

/** Cuts the HTML at its first quote container; a separator `<hr>` left just before it goes too. */
export function cutHtmlQuotes(html: string): string {
  let end = html.length;
  for (const marker of QUOTE_CONTAINERS) {
    const match = marker.exec(html);
    if (match && match.index < end) end = match.index;
  }
  if (end === html.length) return html;
  // Only the tail is searched: an end-anchored regex retries from every position of its input.
  const head = html.slice(0, Math.max(0, end - TAIL_CHARS));
  const tail = html.slice(head.length, end).replace(/(?:<hr\b[^>]*>|<br\b[^>]*>|<div\b[^>]*>|\s)+$/i, '');
  return head + tail;
}

/** How far back from the cut a leftover separator is looked for. Unit: characters. */
const TAIL_CHARS = 1_000;

export function htmlToPlainText(html: string): string {
  return htmlToText(html, {
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
