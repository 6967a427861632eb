import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractVisibleText } from './index.ts';

describe('extractVisibleText', () => {
  it('drops a Gmail "On ... wrote:" header and the quoted lines under it', () => {
    const body = [
      'Sounds good, can you send over pricing?',
      '',
      'On Tue, Mar 4, 2025 at 10:12 AM Sam Rivera <sam@parley.dev> wrote:',
      '> Hi Anna,',
      '> Would you be open to a quick call next week?',
      '> Sam',
    ].join('\r\n');
    assert.equal(extractVisibleText(body, undefined), 'Sounds good, can you send over pricing?');
  });

  it('recognises a header that Gmail wrapped inside the address', () => {
    const body = 'Yes, Thursday works.\n\nOn Tue, Mar 4, 2025 at 10:12 AM Sam Rivera <\nsam@parley.dev> wrote:\n> Hi Anna,';
    assert.equal(extractVisibleText(body, undefined), 'Yes, Thursday works.');
  });

  it('drops an Outlook From/Sent block, with and without the sender address', () => {
    const withAddress = [
      'Not the right person, try Bob.',
      '',
      '________________________________',
      'From: Sam Rivera <sam@parley.dev>',
      'Sent: Tuesday, March 4, 2025 10:12 AM',
      'To: Anna Schmidt <anna@acme.com>',
      'Subject: Quick question',
      '',
      'Hi Anna, would you be open to a quick call?',
    ].join('\n');
    assert.equal(extractVisibleText(withAddress, undefined), 'Not the right person, try Bob.');

    const internal = 'Please call me.\n\nFrom: Sam Rivera\nSent: Tuesday, March 4, 2025 10:12 AM\nTo: Anna\n\nHi Anna,';
    assert.equal(extractVisibleText(internal, undefined), 'Please call me.');
  });

  it('handles German, French and Spanish reply headers', () => {
    const cases: Array<[string, string]> = [
      ['Kein Interesse, danke.\n\nAm Di., 4. März 2025 um 10:12 Uhr schrieb Sam Rivera <sam@parley.dev>:\n> Hallo Anna,', 'Kein Interesse, danke.'],
      ['Gerne, Dienstag passt.\n\nVon: Sam Rivera\nGesendet: Dienstag, 4. März 2025 10:12\nAn: Anna\nBetreff: Frage', 'Gerne, Dienstag passt.'],
      ['Pas pour le moment.\n\nLe mar. 4 mars 2025 à 10:12, Sam Rivera <sam@parley.dev> a écrit :\n> Bonjour,', 'Pas pour le moment.'],
      ['Sí, me interesa.\n\nEl mar, 4 mar 2025 a las 10:12, Sam Rivera (<sam@parley.dev>) escribió:\n> Hola Ana,', 'Sí, me interesa.'],
    ];
    for (const [body, expected] of cases) assert.equal(extractVisibleText(body, undefined), expected);
  });

  it('removes a "--" signature block and a trailing sign-off with the name', () => {
    const signature = 'Happy to chat. Thursday works.\n\n-- \nAnna Schmidt\nHead of Ops, Acme GmbH\n+49 30 1234567';
    assert.equal(extractVisibleText(signature, undefined), 'Happy to chat. Thursday works.');
    assert.equal(extractVisibleText('Yes, let us talk.\n\nThanks,\nAnna', undefined), 'Yes, let us talk.');
    assert.equal(extractVisibleText('Interested!\n\nSent from my iPhone', undefined), 'Interested!');
  });

  it('keeps a reply that is only a thank-you, and keeps sign-off words inside sentences', () => {
    assert.equal(extractVisibleText('Thanks!', undefined), 'Thanks!');
    assert.equal(extractVisibleText('Thanks, but we will pass.', undefined), 'Thanks, but we will pass.');
  });

  it('converts an HTML-only reply to text, dropping link targets and the quoted part', () => {
    const html =
      '<div dir="ltr">Hi Sam,<div><br></div><div>Yes, let&#39;s talk &amp; see. Send <b>pricing</b> for ' +
      '<a href="https://example.com/team">our team</a>?</div></div><br>' +
      '<div class="gmail_quote"><div class="gmail_attr">On Tue, Mar 4, 2025 at 10:12 AM Sam Rivera ' +
      '&lt;<a href="mailto:sam@parley.dev">sam@parley.dev</a>&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote">Hi Anna,<br>Would you be open to a quick call?</blockquote></div>';
    assert.equal(extractVisibleText(undefined, html), "Hi Sam,\n\nYes, let's talk & see. Send pricing for our team?");
  });

  it('prefers the text part and falls back to HTML when the text part is blank', () => {
    assert.equal(extractVisibleText('Plain words', '<p>HTML words</p>'), 'Plain words');
    assert.equal(extractVisibleText(' \n ', '<p>HTML words</p>'), 'HTML words');
  });

  it('returns an empty string when there is nothing, and collapses runs of blank lines', () => {
    assert.equal(extractVisibleText(undefined, undefined), '');
    assert.equal(extractVisibleText('', ''), '');
    assert.equal(extractVisibleText('  Yes.\n\n\n\n\nLet us talk.  \n', undefined), 'Yes.\n\nLet us talk.');
  });

  it('stays fast on one huge line that looks like a reply header', () => {
    // Without the input cap the parser's header regex takes ~20 s on this.
    const started = performance.now();
    extractVisibleText(`On ${'x '.repeat(100_000)}`, undefined);
    assert.ok(performance.now() - started < 1500, 'extractVisibleText took over 1.5 s');
  });
});
