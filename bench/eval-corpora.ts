import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inProcessAnalyzer, type AnalyzedMessage } from '../src/inbound/index.ts';
import { emailReplyParser, isEmailReplyParserCheckout, talonHtml } from './eval-corpora-quotes.ts';

// `npm run eval:corpora -- <checkout> [<checkout> ...]`: scores Parley's reading of mail against the
// public test fixtures of other projects, read from checkouts given at run time (nothing of theirs
// is kept in this repository). Each checkout is recognised by its layout:
//  - sisimai/set-of-emails (maildir/bsd): bounces from many MTAs and providers, RFC 3834 auto-replies,
//    and maildir/not (mail that is no bounce);
//  - mailgun/talon (tests/fixtures/standard_replies): replies from real clients, which are no bounces,
//    and whose visible text is scored by talon's own convention (`<name>_reply_text`, else "Hello"),
//    and its HTML replies (tests/fixtures/html_replies);
//  - github/email_reply_parser (test/emails): visible text only (eval-corpora-quotes.ts).
// Scores (issue 15's table): bounces found among real bounces, non-bounces called bounces, hard/soft
// by the SMTP class of the report's own Status field, auto-replies found among RFC 3834 replies.

interface Tally {
  found: number;
  of: number;
}
const rate = (t: Tally) => (t.of === 0 ? 'n/a' : `${(t.found / t.of).toFixed(3)} (${t.found}/${t.of})`);

async function read(file: string): Promise<AnalyzedMessage | Error> {
  try {
    return await inProcessAnalyzer.analyze(readFileSync(file), undefined);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The report's own status (its first `Status: 5.1.1`), when it gives one. */
function reportStatus(raw: string): string | undefined {
  return /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(raw)?.[1];
}

/** Hard or soft by the status's SMTP class alone. */
const byClass = (status: string): 'hard' | 'soft' | undefined =>
  status.startsWith('5') ? 'hard' : status.startsWith('4') ? 'soft' : undefined;

/** The same, but a full mailbox (x.2.2) is soft whatever its class, as the bounce libraries (and Parley) count it. */
const byLibraries = (status: string) => (/^[45]\.2\.2$/.test(status) ? 'soft' : byClass(status));

async function sisimai(root: string): Promise<void> {
  const dir = join(root, 'maildir/bsd');
  const bounces: Tally = { found: 0, of: 0 };
  const hardSoft: Tally = { found: 0, of: 0 };
  const hardSoftLibraries: Tally = { found: 0, of: 0 };
  const autoReplies: Tally = { found: 0, of: 0 };
  const missed = new Map<string, number>();
  const wrongKind: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
    const file = join(dir, name);
    const kind = name.replace(/-\d+\.eml$/, '');
    if (kind.startsWith('arf')) continue; // feedback reports: neither bounce nor reply
    const result = await read(file);
    if (kind.startsWith('rfc3834')) {
      autoReplies.of += 1;
      if (!(result instanceof Error) && result.analysis.automatic.isAutomatic && !result.analysis.bounce) autoReplies.found += 1;
      continue;
    }
    bounces.of += 1;
    const bounce = result instanceof Error ? undefined : result.analysis.bounce;
    if (bounce) bounces.found += 1;
    else missed.set(kind, (missed.get(kind) ?? 0) + 1);
    const status = reportStatus(readFileSync(file, 'latin1'));
    const expected = status && byClass(status);
    if (bounce && status && expected) {
      hardSoft.of += 1;
      hardSoftLibraries.of += 1;
      if (bounce.kind === expected) hardSoft.found += 1;
      else wrongKind.push(`${name} (${status}: ${expected}, read ${bounce.kind})`);
      if (bounce.kind === byLibraries(status)) hardSoftLibraries.found += 1;
    }
  }
  const notDir = join(root, 'maildir/not');
  const falseBounces: Tally = { found: 0, of: 0 };
  for (const name of readdirSync(notDir).filter((f) => f.endsWith('.eml'))) {
    const result = await read(join(notDir, name));
    falseBounces.of += 1;
    if (!(result instanceof Error) && result.analysis.bounce) falseBounces.found += 1;
  }
  console.log(`sisimai/set-of-emails (${root})`);
  console.log(`  bounces found among real bounces: ${rate(bounces)}`);
  console.log(`  hard/soft right (by the report's SMTP class): ${rate(hardSoft)}`);
  console.log(`  hard/soft right (the same, a full mailbox x.2.2 soft as the bounce libraries count it): ${rate(hardSoftLibraries)}`);
  console.log(`  auto-replies found among RFC 3834 replies: ${rate(autoReplies)}`);
  console.log(`  non-bounces (maildir/not) called bounces: ${rate(falseBounces)}`);
  const worst = [...missed].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`  bounces missed, by source: ${worst.map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  if (process.env.EVAL_VERBOSE) console.log(`  hard/soft wrong: ${wrongKind.join('; ')}`);
}

async function talon(root: string): Promise<void> {
  const dir = join(root, 'tests/fixtures/standard_replies');
  const falseBounces: Tally = { found: 0, of: 0 };
  const falseAutomatic: Tally = { found: 0, of: 0 };
  const visible: Tally = { found: 0, of: 0 };
  const visibleSignaturesAside: Tally = { found: 0, of: 0 };
  const wrong: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
    const result = await read(join(dir, name));
    falseBounces.of += 1;
    falseAutomatic.of += 1;
    visible.of += 1;
    visibleSignaturesAside.of += 1;
    if (result instanceof Error) continue;
    if (result.analysis.bounce) falseBounces.found += 1;
    if (result.analysis.automatic.isAutomatic) falseAutomatic.found += 1;
    // talon's own convention (its test_standard_replies): the text in `<name>_reply_text`, else "Hello".
    const expectedFile = join(dir, `${name.slice(0, -4)}_reply_text`);
    const expected = existsSync(expectedFile) ? readFileSync(expectedFile, 'utf8') : 'Hello';
    const same = (a: string) => a.replace(/\s+/g, ' ').trim();
    if (same(result.visibleText) === same(expected)) visible.found += 1;
    else wrong.push(`${name}: ${JSON.stringify(result.visibleText.slice(0, 80))}`);
    // talon keeps signatures, Parley strips them: the same text once a trailing signature is set aside.
    const withoutSignature = expected.replace(/\n\s*(?:-- ?\r?\n[\s\S]*|Sent (?:from|with) [^\n]*)\s*$/, '');
    if (same(result.visibleText) === same(withoutSignature)) visibleSignaturesAside.found += 1;
  }
  console.log(`mailgun/talon (${root})`);
  console.log(`  visible text, exact match (talon's standard replies): ${rate(visible)}`);
  console.log(`  the same, a trailing signature set aside (talon keeps them, Parley strips them): ${rate(visibleSignaturesAside)}`);
  if (process.env.EVAL_VERBOSE) console.log(`  visible text wrong: ${wrong.join('; ')}`);
  talonHtml(root);
  console.log(`  replies called bounces: ${rate(falseBounces)}`);
  console.log(`  replies called automatic: ${rate(falseAutomatic)}`);
}

const checkouts = process.argv.slice(2);
if (checkouts.length === 0) {
  console.error('usage: npm run eval:corpora -- <checkout of sisimai/set-of-emails, mailgun/talon or github/email_reply_parser> [...]');
  process.exit(2);
}
for (const root of checkouts) {
  if (existsSync(join(root, 'maildir/bsd'))) await sisimai(root);
  else if (existsSync(join(root, 'tests/fixtures/standard_replies'))) await talon(root);
  else if (isEmailReplyParserCheckout(root)) emailReplyParser(root);
  else console.error(`${basename(root)}: not a layout this script knows (sisimai/set-of-emails, mailgun/talon, github/email_reply_parser)`);
}
