import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { ReplyToClassify, ReportPart } from '../../src/classify/types.ts';
import { startDovecot, type DovecotOptions } from '../../src/embedded/dovecot.ts';
import { startSmtpSink, type ReceivedMail } from '../../src/embedded/smtp-sink.ts';

export const BOUNCE_FIXTURES = fileURLToPath(new URL('../fixtures/bounces/', import.meta.url));
export const AUTO_REPLY_FIXTURES = fileURLToPath(new URL('../fixtures/auto-replies/', import.meta.url));

/**
 * The MIME types of report parts (RFC 6522 multipart/report and its RFC 6533 internationalised
 * forms). With `keepDeliveryStatus: true`, mailparser gives each of these as an attachment whose
 * `content` is the decoded body of the part; without it, message/delivery-status is folded into
 * `text` and lost as a part.
 */
export const REPORT_PART_TYPES: ReadonlySet<string> = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/disposition-notification',
  'message/global-disposition-notification',
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/global-headers',
]);

/** The report parts among a parsed message's attachments, in message order. */
export function reportPartsOf(parsed: ParsedMail): ReportPart[] {
  return parsed.attachments
    .filter((a) => REPORT_PART_TYPES.has(a.contentType.toLowerCase()))
    .map((a) => ({ contentType: a.contentType.toLowerCase(), content: a.content }));
}

/**
 * A raw message as the classifier sees it, mapped the way production does (src/inbound): header
 * names lower-cased, first occurrence, unfolded. visibleText is the whole text here: bounce
 * detection reads fullText, and quote stripping is not what these fixtures test.
 */
export async function toReplyToClassify(raw: Buffer | string): Promise<ReplyToClassify> {
  const parsed = await simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true });
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (headers[key] !== undefined) continue;
    headers[key] = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  const text = parsed.text ?? '';
  return {
    subject: parsed.subject ?? '',
    visibleText: text,
    headers,
    fromAddress: firstAddress(parsed.from),
    contentType: (headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase(),
    date: parsed.date,
    reportParts: reportPartsOf(parsed),
    fullText: text,
  };
}

function firstAddress(from: AddressObject | undefined): string {
  return (
    from?.value
      .find((a) => a.address)
      ?.address?.trim()
      .toLowerCase() ?? ''
  );
}

/** Every `.eml` file in a fixture folder, sorted, with its raw bytes. */
export async function readFixtures(folder: string): Promise<Array<{ name: string; raw: Buffer }>> {
  const names = (await readdir(folder)).filter((n) => n.endsWith('.eml')).sort();
  return Promise.all(names.map(async (name) => ({ name, raw: await readFile(join(folder, name)) })));
}

/** A first step as Parley sends it; its Message-ID is what a bounce must lead back to. */
export function outreachMessage(options: { to: string; messageId: string; extraHeaders?: Record<string, string> }): string {
  return [
    'From: Sam Seller <sam@parley.example>',
    `To: Dana Lead <${options.to}>`,
    'Subject: Quick question about your hiring',
    'Date: Mon, 06 Jan 2025 10:00:00 +0000',
    `Message-ID: ${options.messageId}`,
    ...Object.entries(options.extraHeaders ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hi Dana,',
    '',
    'Are you still hiring for the data team?',
    '',
    'Sam',
    '',
  ].join('\r\n');
}

/**
 * Delivers `raw` to a fresh Dovecot through dovecot-lda and returns what Dovecot sent back (a
 * rejection, a vacation reply) as the SMTP sink received it. Starts and stops its own servers,
 * also on failure. dovecot-lda submits what it sends before it exits, and the sink answers 250
 * only once it has kept the message, so what is not there when it exits was never sent.
 */
export async function whatDovecotSendsBack(
  raw: string,
  options: Omit<DovecotOptions, 'smtpSubmissionPort'> & { envelopeFrom: string },
): Promise<readonly ReceivedMail[]> {
  const sink = await startSmtpSink();
  try {
    const { envelopeFrom, ...dovecotOptions } = options;
    const mailbox = await startDovecot({ ...dovecotOptions, smtpSubmissionPort: sink.port });
    try {
      const result = await mailbox.deliverWithLda(raw, { envelopeFrom });
      if (result.exitCode !== 0) throw new Error(`dovecot-lda exited with ${result.exitCode}: ${result.output}`);
      return [...sink.received];
    } finally {
      await mailbox.stop();
    }
  } finally {
    await sink.stop();
  }
}
