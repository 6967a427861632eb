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
