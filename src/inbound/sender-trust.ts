import { domainToASCII } from 'node:url';
import type { SenderAuthentication, SenderConcern } from '../db/index.ts';
import type { OutcomePlan } from './apply-outcome.ts';

/** The outcome of a reply held for a person because of who sent it (stored on the reply and its task). */
export const SENDER_REVIEW = 'sender_review';

/**
 * An address as compared for identity: trimmed, Unicode NFC, lower-cased (local parts are
 * case-insensitive in practice; RFC 5321 leaves it to the receiving host, and every mailbox
 * provider we send to treats them so), the domain in its ASCII (punycode) form without a trailing
 * dot. Sub-addresses (`+tag`) and Gmail dots are not folded: that a host delivers them to the same
 * mailbox is a local rule we cannot see. Undefined for something that is not an address.
 */
export function normaliseAddress(address: string): string | undefined {
  const trimmed = address.trim().normalize('NFC').toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return undefined;
  const domain = domainToASCII(trimmed.slice(at + 1).replace(/\.$/, ''));
  return domain ? `${trimmed.slice(0, at)}@${domain}` : undefined;
}

/** The domain part of a normalised address. */
export function domainOf(address: string | undefined): string | undefined {
  const normal = address === undefined ? undefined : normaliseAddress(address);
  return normal?.slice(normal.lastIndexOf('@') + 1);
}

/**
 * Whether a reply may act for the contact whose conversation it names; undefined when it may.
 * It may when its From has exactly one address and that is one of the contact's own (the
 * contact's stored address; the enrollment's), and the receiving server's DMARC check did not
 * fail. Addresses merely copied on the thread (To, Cc) are not the contact's: anyone writing to
 * us can put anyone there. A DMARC pass or no verdict at all leaves the From as the only evidence,
 * as before; a fail says the From is forged or mangled on the way.
 */
export function weighSender(input: {
  fromAddresses: readonly string[];
  contactAddresses: ReadonlyArray<string | undefined>;
  authentication: SenderAuthentication;
}): SenderConcern | undefined {
  const own = new Set(input.contactAddresses.flatMap((a) => (a ? [normaliseAddress(a)] : [])).filter(Boolean));
  const contact = input.contactAddresses.find(Boolean) ?? '(unknown address)';
  const from = input.fromAddresses.join(', ').slice(0, 320) || '(no address)';
  const senders = input.fromAddresses.map(normaliseAddress);
  // RFC 5322 allows a list of authors; any but the one contact speaks for someone else too.
  const isContact = senders.length === 1 && senders[0] !== undefined && own.has(senders[0]);
  if (!isContact) {
    return {
      reason: 'not_the_contact',
      from,
      contact,
      note: `sender does not match the contact: ${from} wrote about ${contact}'s conversation`,
    };
  }
  if (input.authentication.verdict === 'fail') {
    const by = input.authentication.authservId ?? 'the receiving server';
    return {
      reason: 'dmarc_fail',
      from,
      contact,
      note: `sender not verified: the message claims to come from ${contact}, but DMARC failed at ${by}`,
    };
  }
  return undefined;
}

/**
 * The plan for a reply that may not act for the contact: nothing changes (no suppression, stop,
 * pause, resume, move or qualification) and a person gets a task. The enrollment is left as it
 * is, not paused: a pause would be a stranger stopping someone else's conversation until a rep
 * looks, and anyone holding an old step's Message-ID could do it again at will. A plan that does
 * nothing and asks for no person (an automatic answer) stays as it is.
 */
export function holdForPerson(plan: OutcomePlan): OutcomePlan {
  const changes = plan.enrollment || plan.suppress || plan.softBounce || plan.qualify || plan.moveTo || plan.task;
  if (!changes) return plan;
  return {
    action: SENDER_REVIEW,
    enrollment: undefined,
    suppress: undefined,
    softBounce: false,
    qualify: false,
    moveTo: undefined,
    task: { assignee: plan.task?.assignee },
  };
}

/**
 * The concern about a matched reply's sender, if any. A delivery report is exempt: it comes from
 * a mailer-daemon, never the contact, and acts only through the Message-ID of ours it returns
 * (match.ts).
 */
export function senderConcernFor(input: {
  matchedBy: 'thread' | 'bounce' | 'sender';
  fromAddresses: readonly string[];
  contactAddresses: ReadonlyArray<string | undefined>;
  authentication: SenderAuthentication;
}): SenderConcern | undefined {
  if (input.matchedBy === 'bounce') return undefined;
  return weighSender(input);
}
