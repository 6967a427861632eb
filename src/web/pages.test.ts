import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { confirmPage, escapeHtml, maskEmail } from './pages.ts';

describe('unsubscribe pages', () => {
  it('masks the local part of an address, keeping its first character and the domain', () => {
    assert.equal(maskEmail('anna.lee@lead.example'), 'a***@lead.example');
    assert.equal(maskEmail('ünal@lead.example'), 'ü***@lead.example');
    assert.equal(maskEmail('"odd@local"@lead.example'), '"***@lead.example');
    assert.equal(maskEmail('no-at-sign'), '***');
    assert.equal(maskEmail('@lead.example'), '***');
  });

  it('escapes the five HTML-significant characters', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('asks with a POST form and loads nothing external', () => {
    const page = confirmPage('anna@lead.example');
    assert.match(page, /<form method="post">/);
    assert.match(page, /name="List-Unsubscribe" value="One-Click"/);
    assert.doesNotMatch(page, /<script|<img|<link|src=|https?:/i);
  });
});
