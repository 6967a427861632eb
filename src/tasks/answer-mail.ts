import { normaliseAddress } from '../contacts/index.ts';
import { isParleyError } from '../errors.ts';

/**
 * How a rep's answer reads in the lead's mail client: the same From name as the thread's emails,
 * everyone the lead copied still copied (reply-all), and the lead's message quoted below the
 * answer the way mail clients quote ("On <date>, <name> wrote:" and "> " lines). Pure: no drivers.
 */

/** At most this many copied addresses: an answer is a conversation, not a mailing. */
export const MAX_CC = 20;

/**
 * Reply-all: the reply's To and Cc, without our own sending address and without the lead (who is
 * the To of the answer), in the order the lead wrote them.
 */
export function replyAllCc(
  reply: { to?: readonly string[] | undefined; cc?: readonly string[] | undefined },
  lead: string,
  ours: string,
): string[] {
  const skip = new Set([lead.toLowerCase(), ours.toLowerCase()]);
  const all = [...(reply.to ?? []), ...(reply.cc ?? [])].map((a) => a.toLowerCase());
  return [...new Set(all)].filter((a) => !skip.has(a)).slice(0, MAX_CC);
}

/** A CC list as a rep typed it (commas, semicolons or spaces between addresses); the bad address named when one is not an address. */
export function parseCcList(input: string): { ok: true; cc: string[] } | { ok: false; message: string } {
  const parts = input
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const cc: string[] = [];
  for (const part of parts) {
    try {
      cc.push(normaliseAddress(part.replace(/^<|>$/g, '')));
    } catch (error) {
      if (isParleyError(error)) return { ok: false, message: `CC: "${part}" is not an email address; fix or remove it.` };
      throw error;
    }
  }
  const unique = [...new Set(cc)];
  if (unique.length > MAX_CC) return { ok: false, message: `CC: at most ${MAX_CC} addresses.` };
  return { ok: true, cc: unique };
}

export interface QuotedMessage {
  /** When the lead wrote it (their Date header, else when it arrived). */
  at: Date;
  name: string | undefined;
  address: string;
  /** What the lead wrote, without their own quoted history. */
  text: string;
  /** IANA zone the date is written in (the contact's); UTC when unknown. */
  timeZone?: string | undefined;
}

/** "On Tue, Mar 3, 2026 at 10:15 AM, Ada Lovelace <ada@lead.example> wrote:" then each line as "> line" (">" alone for a blank one). */
export function quoteBelow(message: QuotedMessage): string {
  const who = message.name ? `${message.name} <${message.address}>` : message.address;
  const lines = message.text
    .trim()
    .split(/\r?\n/)
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`));
  return `On ${quoteDate(message.at, message.timeZone)}, ${who} wrote:\n${lines.join('\n')}`;
}

function quoteDate(at: Date, timeZone: string | undefined): string {
  const format = (zone: string) =>
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: zone === 'UTC' ? 'short' : undefined,
    }).formatToParts(at);
  let parts;
  try {
    parts = format(timeZone ?? 'UTC');
  } catch {
    parts = format('UTC');
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const zone = get('timeZoneName');
  return `${get('weekday')}, ${get('month')} ${get('day')}, ${get('year')} at ${get('hour')}:${get('minute')} ${get('dayPeriod')}${zone ? ` ${zone}` : ''}`;
}

/**
 * The line a rep who is not the thread's sender signs with, so the lead sees who answers while the
 * From name stays the one the thread's emails carried (issue 16: "Rita <marco@…>" after two emails
 * from "Marco Rossi" read as a different sender). Nothing when the rep is the sender, or already
 * signed with their name on the last line.
 */
export function handOverLine(repName: string, threadName: string, body: string): string | undefined {
  const rep = repName.trim();
  if (!rep || rep.toLowerCase() === threadName.trim().toLowerCase()) return undefined;
  const lastLine = body.trim().split(/\r?\n/).pop() ?? '';
  const firstName = rep.split(/\s+/)[0] ?? rep;
  if (lastLine.toLowerCase().includes(firstName.toLowerCase())) return undefined;
  return `${rep} (working with ${threadName})`;
}

/** The plain-text body as sent: the answer, the hand-over line when one is due, then the lead's message quoted. */
export function answerBody(answer: string, handOver: string | undefined, quoted: QuotedMessage | undefined): string {
  const parts = [answer.trim(), ...(handOver ? [handOver] : []), ...(quoted && quoted.text.trim() ? [quoteBelow(quoted)] : [])];
  return `${parts.join('\n\n')}\n`;
}
