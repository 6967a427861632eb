import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { cutHtmlQuotes, htmlToPlainText, limitNesting } from './html-quotes.ts';

/** How deep the parser html-to-text uses (htmlparser2) nests the elements of `html`. */
function parsedDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  const parser = new Parser({
    onopentag: () => (deepest = Math.max(deepest, ++depth)),
    onclosetag: () => (depth -= 1),
  });
  parser.end(html);
  return deepest;
}

const GMAIL_REPLY =
  '<div dir="ltr"><div>Sounds good, <b>Tuesday</b> works.<br></div><div><br></div><div class="gmail_quote">' +
  '<div dir="ltr" class="gmail_attr">On Mon, Dana wrote:<br></div><blockquote class="gmail_quote">Hi Pat</blockquote></div></div>';

describe('HTML from strangers', () => {
  it('leaves ordinary mail as it is', () => {
    expect(limitNesting(GMAIL_REPLY)).toBe(GMAIL_REPLY);
    expect(htmlToPlainText(cutHtmlQuotes(GMAIL_REPLY)).trim()).toBe('Sounds good, Tuesday works.');
  });

  it('never lets the parser nest deeper than the limit, however the tags are written', () => {
    const n = 5_000;
    const bombs = {
      nested: '<div>'.repeat(n) + 'hello' + '</div>'.repeat(n),
      'upper case': '<DIV>'.repeat(n) + 'hello',
      'self-closing syntax (still opens an element in HTML)': '<div/>'.repeat(n) + 'hello',
      'a "<" inside an attribute value': '<div title="I <3 it">'.repeat(n) + 'hello',
      'closing tags of elements never opened': '<div></span>'.repeat(n) + 'hello',
      'mixed elements': '<p><span><b><i>'.repeat(n / 4) + 'hello',
      'attributes longer than a tag scan': `<div class="${'x'.repeat(5_000)}">`.repeat(50) + '<div>'.repeat(n) + 'hello',
    };
    for (const [kind, html] of Object.entries(bombs)) {
      expect(parsedDepth(html), kind).toBeGreaterThan(100); // the bomb is deep...
      expect(parsedDepth(limitNesting(html)), kind).toBeLessThanOrEqual(100); // ...and no longer once limited
    }
  });

  it('keeps the words of deeply nested mail', () => {
    const html = '<div>'.repeat(2_000) + 'Happy to talk, call me Tuesday.' + '</div>'.repeat(2_000);
    expect(htmlToPlainText(html).trim()).toBe('Happy to talk, call me Tuesday.');
  });

  it('finds a quote container after thousands of unclosed tags, and none where there is none', () => {
    const noise = '<div '.repeat(20_000);
    expect(cutHtmlQuotes(noise)).toBe(noise);
    const html = `<p>Yes please.</p>${'<span>'.repeat(5_000)}<div class="gmail_quote">On Monday Dana wrote: ...</div>`;
    expect(cutHtmlQuotes(html)).not.toContain('gmail_quote');
    expect(cutHtmlQuotes(html)).toContain('Yes please.');
  });

  it("cuts at Hotmail's stopSpelling rule, which starts its header block", () => {
    const html = '<div>Maybe in May.<br><div><hr id="stopSpelling">Date: Wed, 4 Mar 2026<br>From: sam@parley.dev</div></div>';
    expect(cutHtmlQuotes(html)).toBe('<div>Maybe in May.');
  });
});
