import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { describeAuthentication } from '../tasks/sender-notes.ts';
import { MAX_AUTH_RESULTS_CHARS, readAuthenticationResults } from './authentication-results.ts';

const trusted = { trustedIds: ['mx.parley.test'], fromDomain: 'lead.example' };
const ours = (methods: string) => `mx.parley.test; ${methods}`;

describe('reading Authentication-Results (RFC 8601)', () => {
  it('reads DMARC, DKIM and SPF with their domains from the trusted server', () => {
    const auth = readAuthenticationResults(
      [
        ours(
          'dkim=pass (2048-bit key) header.d=lead.example header.s=s1; spf=pass (sender permitted) smtp.mailfrom=lee@lead.example; dmarc=pass (p=reject) header.from=lead.example',
        ),
      ],
      trusted,
    );
    assert.deepEqual(auth, {
      verdict: 'pass',
      authservId: 'mx.parley.test',
      dmarc: { result: 'pass', domain: 'lead.example' },
      dkim: [{ result: 'pass', domain: 'lead.example' }],
      spf: { result: 'pass', domain: 'lead.example' },
    });
    assert.equal(
      describeAuthentication(auth),
      'dmarc=pass (lead.example), dkim=pass (lead.example), spf=pass (lead.example) per mx.parley.test',
    );
  });

  it('trusts nothing when no authserv-id is configured', () => {
    const auth = readAuthenticationResults([ours('dmarc=fail header.from=lead.example')], { ...trusted, trustedIds: [] });
    assert.deepEqual(auth, { verdict: 'unknown', dkim: [] });
    assert.match(describeAuthentication(auth), /^unknown/);
  });

  it("ignores another server's header, whatever it says", () => {
    const auth = readAuthenticationResults(['mx.stranger.example; dmarc=pass header.from=lead.example'], trusted);
    assert.equal(auth.verdict, 'unknown');
    assert.equal(auth.authservId, undefined);
  });

  it('takes the topmost trusted header: a trusted-looking one below a foreign one was written before the message reached us', () => {
    // Top: ours says fail. Below it: the sender's own "pass" headers, one with our id and one without.
    const auth = readAuthenticationResults(
      [
        ours('dmarc=fail (p=none) header.from=lead.example'),
        'mx.stranger.example; dmarc=pass header.from=lead.example',
        ours('dmarc=pass header.from=lead.example'),
      ],
      trusted,
    );
    assert.equal(auth.verdict, 'fail');
    // A forged header with our id below a foreign one is never reached, even when ours says nothing.
    const hidden = readAuthenticationResults(
      [ours('spf=pass smtp.mailfrom=lead.example'), 'other.example; none', ours('dmarc=fail header.from=lead.example')],
      trusted,
    );
    assert.deepEqual([hidden.verdict, hidden.dmarc], ['unknown', undefined]);
  });

  it("reads a server's run of headers (one per checker) together; a fail in any of them is a fail", () => {
    const auth = readAuthenticationResults(
      [ours('dkim=pass header.d=lead.example'), ours('dmarc=fail header.from=lead.example'), ours('spf=fail smtp.mailfrom=lead.example')],
      trusted,
    );
    assert.deepEqual([auth.verdict, auth.dkim[0]?.result, auth.spf?.result], ['fail', 'pass', 'fail']);
  });

  it('skips a foreign header added on top by a later hop of the receiving side', () => {
    const auth = readAuthenticationResults(['imap.parley.test; none', ours('dmarc=fail header.from=lead.example')], trusted);
    assert.equal(auth.verdict, 'fail');
  });

  it('compares the authserv-id without case and ignores its version and comments', () => {
    const auth = readAuthenticationResults(['(checked) MX.Parley.Test 1; dmarc=fail header.from=lead.example'], trusted);
    assert.deepEqual([auth.verdict, auth.authservId], ['fail', 'mx.parley.test']);
  });

  it("counts a DMARC pass only for the From address's own domain; a result about another domain is a fail", () => {
    // The server checked another author than the From we read (two From headers, a parser quirk).
    const other = readAuthenticationResults([ours('dmarc=pass header.from=stranger.example')], trusted);
    assert.deepEqual([other.verdict, other.dmarc], ['fail', { result: 'pass', domain: 'stranger.example' }]);
    const none = readAuthenticationResults([ours('dmarc=none header.from=lead.example')], trusted);
    assert.equal(none.verdict, 'none');
    const temp = readAuthenticationResults([ours('dmarc=temperror header.from=lead.example')], trusted);
    assert.equal(temp.verdict, 'unknown');
  });

  it('keeps results and domains it can vouch for only: unknown words and odd domains are dropped', () => {
    const auth = readAuthenticationResults([ours('dmarc=<b>ok</b> header.from="<script>"; dkim=pass header.i=@Lead.Example.')], trusted);
    assert.deepEqual(auth.dmarc, { result: 'unknown' });
    assert.deepEqual(auth.dkim, [{ result: 'pass', domain: 'lead.example' }]);
    assert.equal(auth.verdict, 'unknown');
  });

  it('reads nothing from a header too long to read, nor from any below it, at little cost', () => {
    const huge = ours(`dkim=pass header.d=a.example; `.repeat(40_000) + 'dmarc=pass header.from=lead.example');
    const started = performance.now();
    const auth = readAuthenticationResults(
      [huge.slice(0, MAX_AUTH_RESULTS_CHARS + 1), ours('dmarc=pass header.from=lead.example')],
      trusted,
    );
    assert.equal(auth.verdict, 'unknown');
    assert.ok(performance.now() - started < 50, 'a megabyte of header is not parsed');
  });

  it('survives empty and malformed values', () => {
    for (const value of ['', ';;;', '(((', '"unterminated', 'mx.parley.test', 'mx.parley.test; dmarc', 'mx.parley.test; dkim=; spf=()']) {
      const auth = readAuthenticationResults([value], trusted);
      assert.notEqual(auth.verdict, 'pass', value);
      assert.notEqual(auth.verdict, 'fail', value);
    }
  });
});
