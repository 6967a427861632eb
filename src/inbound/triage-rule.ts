import type { ReplyAnalysis } from '../classify/index.ts';
import type { InboundMessage } from './inbound-message.ts';
import { normaliseAddress } from './sender-trust.ts';

/** Headers a mailing list adds (RFC 2369, RFC 2919): list mail is nobody's reply to us. */
const LIST_HEADERS = ['list-id', 'list-unsubscribe', 'list-post', 'list-help'];

/**
 * The sender's normalised address when a message that matched no enrollment was written by a
 * person to us, so a rep should see it (a triage task); undefined for automatic mail, which stays
 * recorded as unmatched and nothing more: delivery reports, auto-replies and out-of-office answers,
 * list mail, and anything whose sender is not one readable address.
 */
export function triageSender(message: Pick<InboundMessage, 'fromAddresses' | 'headers'>, analysis: ReplyAnalysis): string | undefined {
  if (analysis.bounce || analysis.automatic.isAutomatic) return undefined;
  const { intent } = analysis.classification;
  if (intent === 'bounce' || intent === 'auto_reply' || intent === 'out_of_office') return undefined;
  if (LIST_HEADERS.some((h) => message.headers[h] !== undefined)) return undefined;
  // RFC 3834: anything but "no" was sent by a program.
  const autoSubmitted = message.headers['auto-submitted']
    ?.replace(/\(.*?\)/g, '')
    .trim()
    .toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return undefined;
  const [only, ...others] = message.fromAddresses;
  if (only === undefined || others.length > 0) return undefined;
  return normaliseAddress(only);
}
