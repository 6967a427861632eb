import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isParleyError } from '../errors.ts';
import { compileMjml, renderHtmlAlternative, textToHtml } from './html.ts';

/** The part of the rendered message that holds the text. */
function bodyOf(html: string): string {
  return html.slice(html.indexOf('<body'));
}

describe('renderHtmlAlternative', () => {
  it('escapes every character of the text: markup and ampersands stay text', async () => {
    const html = await renderHtmlAlternative(`Hi <b>Anna</b> & team,\n<script>alert("x")</script> 'quoted'`);
    const body = bodyOf(html);
    assert.match(
      body,
      /Hi &lt;b&gt;Anna&lt;\/b&gt; &amp; team,<br \/>&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &#39;quoted&#39;/,
    );
    assert.doesNotMatch(html, /<script|<b>/);
  });

  it('makes paragraphs at blank lines and <br> at single line breaks', async () => {
    const body = bodyOf(await renderHtmlAlternative('Hi Anna,\r\n\r\nFirst line\nsecond line\n \n\n\nBest,\nSam\n'));
    const paragraphs = [...body.matchAll(/<p style="[^"]*">(.*?)<\/p>/g)].map((m) => m[1]);
    assert.deepEqual(paragraphs, ['Hi Anna,', 'First line<br />second line', 'Best,<br />Sam']);
  });

  it('links URLs as written, leaving punctuation around them outside', async () => {
    const body = bodyOf(
      await renderHtmlAlternative('Slides: https://acme.example/deck?a=1&b=2. Or (https://acme.example/x_(y)) or <https://acme.example/z>'),
    );
    assert.match(body, /Slides: <a href="https:\/\/acme\.example\/deck\?a=1&amp;b=2">https:\/\/acme\.example\/deck\?a=1&amp;b=2<\/a>\. /);
    assert.match(body, /\(<a href="https:\/\/acme\.example\/x_\(y\)">https:\/\/acme\.example\/x_\(y\)<\/a>\)/);
    assert.match(body, /&lt;<a href="https:\/\/acme\.example\/z">https:\/\/acme\.example\/z<\/a>&gt;/);
    assert.equal(textToHtml('javascript:alert(1) and ftp://x.example').includes('<a'), false);
  });

  it('adds nothing: no images, tracking pixel, web fonts, preheader or scripts', async () => {
    const html = await renderHtmlAlternative('Quick question about your outbound.');
    assert.doesNotMatch(html, /<img|<script|<link|@import|googleapis|display:\s*none|mso-hide/i);
    assert.equal([...html.matchAll(/<a /g)].length, 0);
    assert.match(html, /font-family:-apple-system/);
  });

  it('validates the template strictly and reports MJML errors as HTML_RENDER_FAILED', async () => {
    const broken = '<mjml><mj-body><mj-text colour="red">Hi</mj-text></mj-body></mjml>';
    await assert.rejects(compileMjml(broken), (error: unknown) => {
      assert.ok(isParleyError(error, 'HTML_RENDER_FAILED'));
      assert.match(error.message, /<mj-text>: mj-text cannot be used inside mj-body/);
      assert.match(error.message, /<mj-text>: Attribute colour is illegal/);
      return true;
    });
  });
});
