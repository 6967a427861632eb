import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BOUNCE_REASON_GROUPS, type BounceReason } from '../src/classify/index.ts';
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
//  - sisimai/p5-sisimai (t/600-lhost-code): not scored itself; its tests name the reason and the
//    hard-bounce flag sisimai expects for each set-of-emails file, which the set-of-emails scores use.
// Scores (issue 15's table): bounces found among real bounces, non-bounces called bounces, hard/soft
// by the SMTP class of the report's own Status field, auto-replies found among RFC 3834 replies;
// with p5-sisimai's expectations: the reason, its group, and "dead address" against sisimai's flag.

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

/** What sisimai's own tests expect of one set-of-emails file: its first recipient's reason and hard-bounce flag. */
interface SisimaiExpectation {
  reason: string;
  hardBounce: boolean;
}

// sisimai's reasons in Parley's vocabulary. Left out (not comparable): filtered (a recipient's filter,
// dead address or not), onhold, undefined, delivered, feedback, vacation.
const SISIMAI_REASONS: Readonly<Record<string, BounceReason>> = {
  userunknown: 'user_unknown',
  hostunknown: 'host_unknown',
  hasmoved: 'has_moved',
  notaccept: 'not_accept',
  suspend: 'suspended',
  mailboxfull: 'mailbox_full',
  exceedlimit: 'message_too_big',
  mesgtoobig: 'message_too_big',
  ratelimited: 'rate_limited',
  toomanyconn: 'rate_limited',
  speeding: 'rate_limited',
  expired: 'expired',
  systemerror: 'system_error',
  systemfull: 'system_error',
  networkerror: 'system_error',
  mailererror: 'system_error',
  blocked: 'blocked',
  badreputation: 'blocked',
  spamdetected: 'spam_detected',
  virusdetected: 'spam_detected',
  contenterror: 'policy',
  policyviolation: 'policy',
  securityerror: 'policy',
  authfailure: 'policy',
  requireptr: 'policy',
  notcompliantrfc: 'policy',
  norelaying: 'policy',
  syntaxerror: 'policy',
  rejected: 'policy',
};

/** sisimai's reasons for files that report no delivery failure. */
const NO_FAILURE: ReadonlySet<string> = new Set(['delivered', 'feedback', 'vacation']);

/** Reads the expectations from a p5-sisimai checkout's t/*-lhost-*.t, t/*-rhost-*.t and t/890-rfc3464.t. */
function sisimaiExpectations(root: string): Map<string, SisimaiExpectation> {
  const expected = new Map<string, SisimaiExpectation>();
  const dir = join(root, 't');
  for (const test of readdirSync(dir).filter((f) => /^\d+-(?:lhost|rhost|rfc3464)[\w-]*\.t$/.test(f))) {
    const source = readFileSync(join(dir, test), 'utf8');
    const engine = /\$enginename\s*=\s*'([^']+)'/.exec(source)?.[1];
    if (engine === undefined) continue;
    const prefix = test.includes('-rhost-') ? 'rhost-' : test.includes('-lhost-') ? 'lhost-' : '';
    for (const m of source.matchAll(/'(\d+)'\s*=>\s*\[\['[^']*',\s*'[^']*',\s*'(\w+)',\s*(\d)/g)) {
      expected.set(`${prefix}${engine.toLowerCase()}-${m[1]!.padStart(2, '0')}.eml`, { reason: m[2]!, hardBounce: m[3] === '1' });
    }
  }
  return expected;
}

async function sisimai(root: string, expectations: ReadonlyMap<string, SisimaiExpectation>): Promise<void> {
  const dir = join(root, 'maildir/bsd');
  const bounces: Tally = { found: 0, of: 0 };
  const hardSoft: Tally = { found: 0, of: 0 };
  const hardSoftLibraries: Tally = { found: 0, of: 0 };
  const autoReplies: Tally = { found: 0, of: 0 };
  const missed = new Map<string, number>();
  const wrongKind: string[] = [];
  const missedFiles: string[] = [];
  const bouncesOfFailures: Tally = { found: 0, of: 0 };
  const notFailures: Tally = { found: 0, of: 0 };
  const reasons: Tally = { found: 0, of: 0 };
  const groups: Tally = { found: 0, of: 0 };
  const dead: Tally = { found: 0, of: 0 };
  const wrongReason: string[] = [];
  const wrongDead: string[] = [];
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
    const bounce = result instanceof Error ? undefined : result.analysis.bounce;
    // sisimai's own tests say some files report no failure: SES's Delivery and Complaint notices.
    const noFailure = NO_FAILURE.has(expectations.get(name)?.reason ?? '');
    if (noFailure) {
      notFailures.of += 1;
      if (bounce) notFailures.found += 1;
    }
    bounces.of += 1;
    if (!noFailure) bouncesOfFailures.of += 1;
    if (bounce) bounces.found += 1;
    if (bounce && !noFailure) bouncesOfFailures.found += 1;
    else {
      missed.set(kind, (missed.get(kind) ?? 0) + 1);
      missedFiles.push(name);
    }
    const status = reportStatus(readFileSync(file, 'latin1'));
    const expected = status && byClass(status);
    if (bounce && status && expected) {
      hardSoft.of += 1;
      hardSoftLibraries.of += 1;
      if (bounce.kind === expected) hardSoft.found += 1;
      else wrongKind.push(`${name} (${status}: ${expected}, read ${bounce.kind})`);
      if (bounce.kind === byLibraries(status)) hardSoftLibraries.found += 1;
    }
    const sisimaiSays = expectations.get(name);
    if (bounce && sisimaiSays) {
      // A dead address is what Parley suppresses; sisimai's hard-bounce flag marks the same.
      const suppressed = bounce.kind === 'hard' && BOUNCE_REASON_GROUPS[bounce.reason ?? 'undefined'] === 'dead';
      dead.of += 1;
      if (suppressed === sisimaiSays.hardBounce) dead.found += 1;
      else wrongDead.push(`${name} (sisimai ${sisimaiSays.reason}, read ${bounce.reason} ${bounce.kind})`);
      const theirs = SISIMAI_REASONS[sisimaiSays.reason];
      if (theirs !== undefined) {
        reasons.of += 1;
        groups.of += 1;
        if (bounce.reason === theirs) reasons.found += 1;
        else wrongReason.push(`${name} (sisimai ${sisimaiSays.reason}, read ${bounce.reason})`);
        if (BOUNCE_REASON_GROUPS[bounce.reason ?? 'undefined'] === BOUNCE_REASON_GROUPS[theirs]) groups.found += 1;
      }
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
  if (expectations.size > 0) {
    console.log(`  the same, without the files sisimai's tests call no failure (delivered, feedback): ${rate(bouncesOfFailures)}`);
    console.log(`  those no-failure files called bounces: ${rate(notFailures)}`);
    console.log(`  dead address (Parley suppresses) as sisimai's hard-bounce flag says: ${rate(dead)}`);
    console.log(`  reason as sisimai's tests name it (mapped; filtered/onhold/undefined left out): ${rate(reasons)}`);
    console.log(`  reason group (dead / temporary / refused) as sisimai's reason: ${rate(groups)}`);
  }
  console.log(`  auto-replies found among RFC 3834 replies: ${rate(autoReplies)}`);
  console.log(`  non-bounces (maildir/not) called bounces: ${rate(falseBounces)}`);
  const worst = [...missed].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`  bounces missed, by source: ${worst.map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  if (process.env.EVAL_VERBOSE) {
    console.log(`  bounces missed: ${missedFiles.join(', ') || 'none'}`);
    console.log(`  hard/soft wrong: ${wrongKind.join('; ')}`);
    console.log(`  dead address wrong: ${wrongDead.join('; ')}`);
    console.log(`  reason wrong: ${wrongReason.join('; ')}`);
  }
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

/**
 * Auto-replies and out-of-office (issue 15): found among sisimai's RFC 3834 replies, out-of-office
 * among those whose text announces an absence (labelled here by reading them: 01 "away, returning
 * May 5th", 02 "out of the office Friday", 04 "traveling July 10-31"; 03, 05 and 06 are other
 * auto-replies), and called where they are not: a bounce, sisimai's maildir/not, a talon reply.
 */
const SISIMAI_OUT_OF_OFFICE: ReadonlySet<string> = new Set(['rfc3834-01.eml', 'rfc3834-02.eml', 'rfc3834-04.eml']);
const AUTOMATIC_INTENTS: ReadonlySet<string> = new Set(['auto_reply', 'out_of_office']);

async function automaticReplies(root: string): Promise<void> {
  const dated: Tally = { found: 0, of: 0 };
  const intentOf = async (file: string) => {
    const result = await read(file);
    if (result instanceof Error) return undefined;
    // Out-of-office replies whose return date was read (each of sisimai's names one: a date, a weekday, a range).
    if (result.analysis.classification.intent === 'out_of_office') {
      dated.of += 1;
      if (result.analysis.returnDate) dated.found += 1;
    }
    return result.analysis.classification.intent;
  };
  const talonDir = join(root, 'tests/fixtures/standard_replies');
  if (existsSync(talonDir)) {
    const falseAuto: Tally = { found: 0, of: 0 };
    for (const name of readdirSync(talonDir).filter((f) => f.endsWith('.eml'))) {
      falseAuto.of += 1;
      if (AUTOMATIC_INTENTS.has((await intentOf(join(talonDir, name))) ?? '')) falseAuto.found += 1;
    }
    console.log(`  replies called auto_reply or out_of_office: ${rate(falseAuto)}`);
    return;
  }
  const dir = join(root, 'maildir/bsd');
  const found: Tally = { found: 0, of: 0 };
  const outOfOffice: Tally = { found: 0, of: 0 };
  const otherCalledOutOfOffice: Tally = { found: 0, of: 0 };
  const bouncesCalledAuto: Tally = { found: 0, of: 0 };
  const wrong: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.eml') && !f.startsWith('arf'))) {
    const intent = await intentOf(join(dir, name));
    if (!name.startsWith('rfc3834')) {
      bouncesCalledAuto.of += 1;
      if (AUTOMATIC_INTENTS.has(intent ?? '')) {
        bouncesCalledAuto.found += 1;
        wrong.push(`${name}: ${intent}`);
      }
      continue;
    }
    found.of += 1;
    if (AUTOMATIC_INTENTS.has(intent ?? '')) found.found += 1;
    const expected = SISIMAI_OUT_OF_OFFICE.has(name);
    const tally = expected ? outOfOffice : otherCalledOutOfOffice;
    tally.of += 1;
    if (intent === 'out_of_office') tally.found += 1;
    if (expected !== (intent === 'out_of_office')) wrong.push(`${name}: ${intent}`);
  }
  const notDir = join(root, 'maildir/not');
  const notCalled: string[] = [];
  for (const name of readdirSync(notDir).filter((f) => f.endsWith('.eml'))) {
    const intent = await intentOf(join(notDir, name));
    if (AUTOMATIC_INTENTS.has(intent ?? '')) notCalled.push(`${name} (${intent})`);
  }
  console.log(`  auto-replies (auto_reply or out_of_office) among RFC 3834 replies: ${rate(found)}`);
  console.log(
    `  out-of-office labelled out_of_office: ${rate(outOfOffice)}; other auto-replies called out_of_office: ${rate(otherCalledOutOfOffice)}`,
  );
  console.log(`  bounces called auto_reply or out_of_office: ${rate(bouncesCalledAuto)}`);
  console.log(`  out-of-office replies with a return date read: ${rate(dated)}`);
  console.log(`  maildir/not called auto_reply or out_of_office: ${notCalled.join(', ') || 'none'}`);
  if (process.env.EVAL_VERBOSE) console.log(`  automatic wrong: ${wrong.join('; ')}`);
}

const checkouts = process.argv.slice(2);
if (checkouts.length === 0) {
  console.error('usage: npm run eval:corpora -- <checkout of sisimai/set-of-emails, mailgun/talon or github/email_reply_parser> [...]');
  process.exit(2);
}
const isP5Sisimai = (root: string) => existsSync(join(root, 't/600-lhost-code'));
const expectations = new Map(checkouts.filter(isP5Sisimai).flatMap((root) => [...sisimaiExpectations(root)]));
for (const root of checkouts) {
  if (isP5Sisimai(root)) continue;
  if (existsSync(join(root, 'maildir/bsd'))) await sisimai(root, expectations);
  else if (existsSync(join(root, 'tests/fixtures/standard_replies'))) await talon(root);
  else if (isEmailReplyParserCheckout(root)) emailReplyParser(root);
  else console.error(`${basename(root)}: not a layout this script knows (sisimai/set-of-emails, mailgun/talon, github/email_reply_parser)`);
  // Auto-replies and out-of-office (issue 15), apart from the scores above.
  if (existsSync(join(root, 'maildir/bsd')) || existsSync(join(root, 'tests/fixtures/standard_replies'))) await automaticReplies(root);
}
