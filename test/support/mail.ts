import type { ReceivedMail } from '../../src/embedded/index.ts';

/** Builds a raw reply the way a lead's mail client would write it. */
export function replyMessage(options: {
  from: string;
  to: string;
  subject: string;
  body: string;
  messageId?: string;
  inReplyTo?: string | undefined;
  references?: readonly string[];
  extraHeaders?: Record<string, string>;
}): string {
  const headers = [
    `From: ${options.from}`,
    `To: ${options.to}`,
    `Subject: ${options.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${options.messageId ?? `<${Math.random().toString(36).slice(2)}@lead.example>`}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`] : []),
    ...(options.references?.length ? [`References: ${options.references.join(' ')}`] : []),
    ...Object.entries(options.extraHeaders ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${options.body.replace(/\r?\n/g, '\r\n')}\r\n`;
}

/** How many copies of each message (recipient and Message-ID) arrived, for the mails to `to` (all when absent). */
export function copiesPerMessage(mails: readonly ReceivedMail[], to?: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of mails) {
    if (to && !to.includes(mail.envelopeTo[0] ?? '')) continue;
    const key = `${mail.envelopeTo[0]} ${mail.parsed.messageId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
