import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export { seeded } from './random.ts';

/** Real-format replies, auto-replies and bounces from the fixtures: the seeds the mutations start from. */
export function fixtureMessages(): Buffer[] {
  const dirs = ['test/fixtures/replies', 'test/fixtures/auto-replies', 'test/fixtures/bounces'];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => readFileSync(join(dir, f))),
  );
}

const HEAD = 'From: Fuzz <fuzz@lead.example>\r\nTo: dana@parley.test\r\nSubject: Re: hello\r\nMIME-Version: 1.0\r\n';

/** Hostile messages written on purpose: each names what it tries to break. */
export function hostileMessages(): Array<{ name: string; raw: Buffer }> {
  const nested = (depth: number): string =>
    depth === 0
      ? 'Content-Type: text/plain\r\n\r\ninner\r\n'
      : `Content-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n--b${depth}\r\n${nested(depth - 1)}--b${depth}--\r\n`;
  return [
    {
      name: 'nul bytes everywhere',
      raw: Buffer.from(`${HEAD}Message-ID: <nul\u0000@x>\r\nContent-Type: text/plain\r\n\r\nyes\u0000please\u0000 call me\r\n`),
    },
    {
      name: 'broken base64',
      raw: Buffer.from(`${HEAD}Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64***\r\n====\r\n`),
    },
    {
      name: 'unknown charset',
      raw: Buffer.from(`${HEAD}Content-Type: text/plain; charset=x-nonsense-42\r\n\r\n\xff\xfe interested\r\n`, 'latin1'),
    },
    { name: 'huge header', raw: Buffer.from(`${HEAD}X-Long: ${'a'.repeat(2_000_000)}\r\nContent-Type: text/plain\r\n\r\nhi\r\n`) },
    {
      name: 'thousands of headers',
      raw: Buffer.from(`${HEAD}${'Received: from x by y; Mon, 1 Jan 2026 00:00:00 +0000\r\n'.repeat(20_000)}\r\nhi\r\n`),
    },
    { name: 'deep multipart nesting', raw: Buffer.from(`${HEAD}${nested(300)}`) },
    {
      name: 'missing closing boundary',
      raw: Buffer.from(`${HEAD}Content-Type: multipart/alternative; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhalf\r\n`),
    },
    { name: 'no headers at all', raw: Buffer.from('just some text\r\nwithout any header\r\n') },
    { name: 'empty message', raw: Buffer.alloc(0) },
    { name: 'binary noise', raw: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) },
    {
      name: 'bad dates and addresses',
      raw: Buffer.from(
        'From: <<<@@@>>>\r\nDate: the thirty-second of Nevember\r\nMessage-ID: no brackets\r\nReferences: <a> <b <c>>\r\nIn-Reply-To: <\r\n\r\nhello\r\n',
      ),
    },
    {
      name: 'html bomb',
      raw: Buffer.from(`${HEAD}Content-Type: text/html\r\n\r\n${'<div>'.repeat(50_000)}interested${'</div>'.repeat(10)}\r\n`),
    },
  ];
}

/** A fixture with one mutation: bytes flipped, cut short, lines repeated, NULs or garbage inserted. */
export function mutate(seed: Buffer, random: () => number): Buffer {
  const bytes = Buffer.from(seed);
  const pick = Math.floor(random() * 5);
  const at = Math.floor(random() * Math.max(1, bytes.length));
  switch (pick) {
    case 0:
      for (let i = 0; i < 1 + random() * 20; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      return bytes;
    case 1:
      return bytes.subarray(0, at);
    case 2: {
      const line = bytes.subarray(at, at + 80);
      return Buffer.concat([bytes.subarray(0, at), ...Array.from({ length: 200 }, () => line), bytes.subarray(at)]);
    }
    case 3:
      return Buffer.concat([bytes.subarray(0, at), Buffer.alloc(1 + Math.floor(random() * 64)), bytes.subarray(at)]);
    default:
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from('\r\nContent-Type: multipart/mixed; boundary=\r\n--\r\n=?utf-8?B?####?=\r\n'),
        bytes.subarray(at),
      ]);
  }
}

/**
 * A legal message that takes long to read: `megabytes` of quoted-printable soft line breaks, which
 * mailparser decodes one short line at a time (about a second for 9 MB on this machine's kind).
 * Used to show that reading happens off the event loop, and what happens past the time budget.
 */
export function slowToReadMessage(options: { megabytes: number; from?: string; messageId?: string }): Buffer {
  const lines = Math.round((options.megabytes * 1024 * 1024) / 6);
  return Buffer.from(
    `From: ${options.from ?? 'Slow <slow@lead.example>'}\r\nTo: dana@parley.test\r\nSubject: Re: hello\r\n` +
      `Message-ID: ${options.messageId ?? `<slow-${Math.random().toString(36).slice(2)}@lead.example>`}\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${'=41=\r\n'.repeat(lines)}`,
  );
}

/** Whose conversation a spoofed message names: the contact's address and a step Message-ID Parley sent them. */
export interface SpoofTarget {
  email: string;
  stepMessageId: string;
}

/** The authserv-id the spoofed messages' "receiving server" writes (AUTHSERV_ID in the test). */
export const TRUSTED_AUTHSERV_ID = 'mx.parley.test';

/**
 * Messages that try to act for `victim` without being them: strangers in the victim's thread,
 * look-alike and display-name tricks, several authors, the victim's own address with a DMARC
 * fail from the trusted server (and forged passes below it), and oversized headers. Each says
 * something that, from the victim, would change their state (unsubscribe, stop, pause, resume,
 * qualify). `mentionsVictim` is false for the ones that never write the victim's address, which
 * are safe to mutate: no mutation can turn them into the victim.
 */
export function spoofedMessages(victim: SpoofTarget): Array<{ name: string; raw: Buffer; mentionsVictim: boolean }> {
  const [local, domain] = victim.email.split('@') as [string, string];
  const thread = `In-Reply-To: ${victim.stepMessageId}\r\nReferences: ${victim.stepMessageId}\r\n`;
  let n = 0;
  const message = (name: string, headers: string, body: string, mentionsVictim = true) => ({
    name,
    mentionsVictim,
    raw: Buffer.from(
      `${headers}To: dana@parley.test\r\nSubject: Re: Quick question\r\nMessage-ID: <spoof-${++n}.${local}@stranger.example>\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
    ),
  });
  const ar = (verdict: string, from = domain) => `Authentication-Results: ${TRUSTED_AUTHSERV_ID}; dmarc=${verdict} header.from=${from}\r\n`;
  const encodedName = Buffer.from(victim.email).toString('base64');
  return [
    message(
      'stranger in the thread: unsubscribe',
      `From: Prank <prank@stranger.example>\r\n${thread}`,
      'Unsubscribe me. Remove me from your list.',
      false,
    ),
    message(
      'stranger in the thread: stop',
      `From: prank@stranger.example\r\nReferences: ${victim.stepMessageId}\r\n`,
      'Not interested, stop emailing.',
      false,
    ),
    message(
      'stranger in the thread: interested',
      `From: boss@stranger.example\r\n${thread}`,
      "Interested! We're a team of 50, budget approved, call me.",
      false,
    ),
    message(
      'stranger in the thread: out of office',
      `From: ooo@stranger.example\r\n${thread}Auto-Submitted: auto-replied\r\n`,
      'I am out of the office until January 9.',
      false,
    ),
    message(
      'stranger with a forged trusted pass',
      `From: prank@stranger.example\r\n${thread}${ar('pass', 'stranger.example')}`,
      'Unsubscribe me.',
      false,
    ),
    message(
      'stranger with a 1 MB trusted header',
      `From: prank@stranger.example\r\n${thread}${ar(`pass ${'x'.repeat(1_000_000)}`)}`,
      'Unsubscribe me.',
      false,
    ),
    message('display name is the victim', `From: "${victim.email}" <prank@stranger.example>\r\n${thread}`, 'Unsubscribe me.'),
    message(
      'encoded display name is the victim',
      `From: =?utf-8?B?${encodedName}?= <prank@stranger.example>\r\n${thread}`,
      'Unsubscribe me.',
    ),
    message('victim among several authors', `From: ${victim.email}, prank@stranger.example\r\n${thread}`, 'Unsubscribe me.'),
    message('victim in a group', `From: team: ${victim.email}, prank@stranger.example;\r\n${thread}`, 'Unsubscribe me.'),
    message('look-alike domain', `From: ${local}@${domain}.stranger.example\r\n${thread}`, 'Unsubscribe me.'),
    message(
      'look-alike local part (Cyrillic i)',
      `From: ${local.replace(/i/g, '\u0456').replace(/^/, '\u0456')}@${domain}\r\n${thread}`,
      'Unsubscribe me.',
    ),
    message('sub-address', `From: ${local}+x@${domain}\r\n${thread}`, 'Unsubscribe me.'),
    message('victim only in Sender', `From: prank@stranger.example\r\nSender: ${victim.email}\r\n${thread}`, 'Unsubscribe me.'),
    message(
      'victim only in Reply-To and Cc',
      `From: prank@stranger.example\r\nReply-To: ${victim.email}\r\nCc: ${victim.email}\r\n${thread}`,
      'Unsubscribe me.',
    ),
    message('victim with a trusted DMARC fail', `${ar('fail')}From: ${victim.email}\r\n${thread}`, 'Unsubscribe me.'),
    message(
      'victim with a trusted fail over forged passes',
      `${ar('fail')}Authentication-Results: mx.stranger.example; dmarc=pass header.from=${domain}\r\n${ar('pass')}From: ${victim.email}\r\n${thread}`,
      'Not interested, stop.',
    ),
    message('victim with a trusted DMARC fail, no thread headers', `${ar('fail')}From: ${victim.email}\r\n`, 'Unsubscribe me.'),
    message(
      'trusted DMARC about another author domain',
      `${ar('pass', 'stranger.example')}From: <${victim.email}>@stranger.example\r\n${thread}`,
      'Unsubscribe me.',
    ),
  ];
}

/**
 * Delivery reports a stranger writes about `victim`: hard (5.1.1) and soft (4.2.2) failures naming
 * the victim, sent from the stranger's own address, in the victim's thread or not, citing no
 * Message-ID of ours or a made-up one. None may suppress, stop or restart the victim.
 */
export function forgedReports(victim: SpoofTarget): Array<{ name: string; raw: Buffer }> {
  const thread = `In-Reply-To: ${victim.stepMessageId}\r\nReferences: ${victim.stepMessageId}\r\n`;
  let n = 0;
  const report = (name: string, headers: string, status: string, returned: string) => ({
    name,
    raw: Buffer.from(
      `From: Mail Delivery System <mailer-daemon@stranger.example>\r\n${headers}To: dana@parley.test\r\n` +
        `Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <forged-report-${++n}.${victim.email}>\r\nMIME-Version: 1.0\r\n` +
        `Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n` +
        `--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n` +
        `--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.stranger.example\r\n\r\n` +
        `Final-Recipient: rfc822; ${victim.email}\r\nAction: ${status.startsWith('5') ? 'failed' : 'delayed'}\r\nStatus: ${status}\r\n` +
        `Diagnostic-Code: smtp; ${status.startsWith('5') ? '550 5.1.1 user unknown' : '452 4.2.2 mailbox full'}\r\n` +
        `--r\r\nContent-Type: text/rfc822-headers\r\n\r\n${returned}To: ${victim.email}\r\nSubject: Quick question\r\n--r--\r\n`,
    ),
  });
  return [
    report('hard bounce naming the victim, citing nothing', '', '5.1.1', ''),
    report('hard bounce in the victim’s thread, citing nothing', thread, '5.1.1', ''),
    report('hard bounce citing a made-up Message-ID', '', '5.1.1', `Message-ID: <made-up.${victim.email}>\r\n`),
    report('mailbox full in the victim’s thread', thread, '4.2.2', ''),
    report('mailbox full citing a made-up Message-ID', thread, '4.2.2', `Message-ID: <made-up-2.${victim.email}>\r\n`),
  ];
}
