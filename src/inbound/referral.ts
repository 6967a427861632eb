import type { NamedContact } from '../classify/index.ts';
import {
  contactStore,
  enrollmentStore,
  triageStore,
  type ContactDoc,
  type EnrollmentDoc,
  type ParleyCollections,
  type ReferredPerson,
} from '../db/index.ts';
import { enrollContact } from '../enrollments/index.ts';
import type { ReferralRule, Sequence } from '../sequences/index.ts';
import type { OutcomePlan } from './apply-outcome.ts';
import { normaliseAddress } from './sender-trust.ts';

/** Most characters of a role kept from the reply. */
const MAX_ROLE = 60;

/**
 * The person a reply refers us to, with the role the reply gives them when it says one right
 * around their name or address: "Priya (priya@x), our head of operations", "she runs our sales ops".
 */
export function referredPerson(named: NamedContact | undefined, visibleText: string): ReferredPerson | undefined {
  if (!named || (!named.name && !named.email)) return undefined;
  const email = named.email ? normaliseAddress(named.email) : undefined;
  const role = roleNear(visibleText, [named.email, named.name]);
  return { ...(named.name && { name: named.name }), ...(email && { email }), ...(role && { role }) };
}

const ROLE_AFTER = [
  // "Priya (priya@x, Head of Ops)" or "Priya (Head of Ops)"
  /^[^(\n]{0,80}?\(([^)\n]{2,80})\)/u,
  // ", our head of operations," / ", the VP of Sales."
  /^[^.\n]{0,80}?,\s*((?:our|the|my)\s+[^,.;()\n]{2,60}?)(?=[,.;)\n]|\s+(?:and|who)\b|$)/iu,
  // "she is our head of operations" / "he runs our sales ops" / "who leads the data team"
  /^[^.\n]{0,80}?\b(?:she|he|they|who)(?:'s|\s+is|\s+are)?\s+((?:our|the|my|in charge of|runs|leads|heads|manages|handles|owns)\s+[^,.;()\n]{2,60}?)(?=[,.;)\n]|$)/iu,
];

function roleNear(text: string, anchors: ReadonlyArray<string | undefined>): string | undefined {
  for (const anchor of anchors) {
    if (!anchor) continue;
    const at = text.toLowerCase().indexOf(anchor.toLowerCase());
    if (at < 0) continue;
    const after = text.slice(at + anchor.length, at + anchor.length + 200);
    for (const pattern of ROLE_AFTER) {
      const found = pattern.exec(after)?.[1];
      // The parentheses usually hold the address: what is left of them is the role, if anything.
      const role = found
        ?.replace(/[^\s,;()<>]+@[^\s,;()<>]+/g, '')
        .replace(/^[\s,;:-]+|[\s,;:-]+$/g, '')
        .replace(/^(?:our|the|my)\s+/i, '')
        .trim();
      if (role && /\p{L}{2}/u.test(role)) return role.slice(0, MAX_ROLE);
    }
  }
  return undefined;
}

/** What a referral rule makes of a reply's plan, and the sequence to enroll the referred person in. */
export interface ReferralPlan {
  plan: OutcomePlan;
  enrollInto: Sequence | undefined;
}

/**
 * The sequence file's `referral` rule, applied to a reply that may act for the contact (the caller
 * checked: sender-trust.ts) and names someone else with an address. The referrer's enrollment stops
 * or pauses as the rule says; `enroll_referred` enrolls the person, `hand_to_rep` queues a task for
 * the owner. Opt-outs and other fixed outcomes are never overridden; without a rule, or a target
 * sequence that is not loaded, the plan stays as the intent's outcome decided.
 */
export function referralPlan(input: {
  decided: OutcomePlan;
  rule: ReferralRule | undefined;
  person: ReferredPerson | undefined;
  owner: string | undefined;
  getSequence: (id: string) => Sequence | undefined;
}): ReferralPlan {
  const { decided, rule, person } = input;
  const unchanged = { plan: decided, enrollInto: undefined };
  if (!rule || !person?.email || decided.suppress || decided.softBounce) return unchanged;
  const reason = `reply: referred us to ${person.email}`;
  const enrollment: OutcomePlan['enrollment'] =
    rule.original === 'stop' ? { kind: 'stopped', cause: 'reply', reason } : { kind: 'paused', reason };
  const base: OutcomePlan = { ...decided, enrollment, qualify: false, moveTo: undefined };
  if (rule.action === 'hand_to_rep')
    return { plan: { ...base, action: 'referral_to_rep', task: { assignee: input.owner } }, enrollInto: undefined };
  const target = input.getSequence(rule.sequenceId);
  // The target went missing after load: a person decides rather than the referral being dropped.
  if (!target) return { plan: { ...base, action: 'referral_to_rep', task: { assignee: input.owner } }, enrollInto: undefined };
  return { plan: { ...base, action: 'enroll_referred', task: undefined }, enrollInto: target };
}

export type ReferralEnrollment = { ok: true; enrollmentId: string } | { ok: false; why: string };

/**
 * Enrolls the referred person in the rule's sequence, with who referred them as template
 * variables (`{{ referrer.first_name }}`). Never over a suppression, never beside a conversation
 * they already have: a suppressed address, or one with a running or paused enrollment in another
 * sequence, is handed to a rep instead. Idempotent per reply: a redo finds its own enrollment.
 */
export async function enrollReferred(
  db: ParleyCollections,
  input: {
    sequence: Sequence;
    person: ReferredPerson;
    referrer: Pick<ContactDoc, '_id' | 'email' | 'firstName' | 'lastName' | 'company'>;
    /** Addresses that are never the referred person: the referrer's, ours. */
    notThem: readonly string[];
    replyId: string;
    now: Date;
  },
): Promise<ReferralEnrollment> {
  const { person, referrer, sequence, now } = input;
  const email = person.email;
  if (!email) return { ok: false, why: 'the reply gave no address for them' };
  if (input.notThem.some((a) => normaliseAddress(a) === email)) return { ok: false, why: `${email} is not someone else` };
  const contacts = contactStore(db);
  const existing = await contacts.getByEmail(email);
  if (existing?.suppressed) return { ok: false, why: `${email} is suppressed (${existing.suppressed.reason}); not enrolled` };
  const live = await enrollmentStore(db).latestOfAddress(email);
  if (live && isOwnEnrollment(live, input.replyId)) return { ok: true, enrollmentId: live._id };
  if (live && (live.status === 'active' || live.status === 'paused'))
    return { ok: false, why: `${email} is already in sequence ${live.sequenceId} (${live.status}); not enrolled again` };
  const [firstName, ...rest] = (person.name ?? '').split(/\s+/).filter(Boolean);
  const contact =
    existing ??
    (await contacts.upsert({ email, ...(firstName && { firstName }), ...(rest.length > 0 && { lastName: rest.join(' ') }) }, now));
  const outcome = await enrollContact(db, sequence, contact, now, {
    source: { kind: 'referral', replyId: input.replyId, referrerContactId: referrer._id },
    context: referrerContext(referrer),
  });
  if (!outcome) return { ok: false, why: `sequence ${sequence.id} has no steps` };
  if (outcome.outcome === 'enrolled') return { ok: true, enrollmentId: outcome.enrollmentId };
  if (outcome.outcome === 'suppressed') return { ok: false, why: `${email} is suppressed (${outcome.reason}); not enrolled` };
  const stored = await enrollmentStore(db).get(outcome.enrollmentId);
  if (stored && isOwnEnrollment(stored, input.replyId)) return { ok: true, enrollmentId: stored._id };
  return { ok: false, why: `${email} was enrolled in ${sequence.id} before; not enrolled again` };
}

const isOwnEnrollment = (enrollment: Pick<EnrollmentDoc, 'source'>, replyId: string) =>
  enrollment.source?.kind === 'referral' && enrollment.source.replyId === replyId;

/** The referrer as `referrer_<field>` context (read as {{ referrer.<field> }}: src/sequences/render.ts). */
function referrerContext(referrer: Pick<ContactDoc, 'email' | 'firstName' | 'lastName' | 'company'>): Record<string, string> {
  const name = [referrer.firstName, referrer.lastName].filter(Boolean).join(' ');
  return {
    referrer_email: referrer.email,
    ...(referrer.firstName && { referrer_first_name: referrer.firstName }),
    ...(referrer.lastName && { referrer_last_name: referrer.lastName }),
    ...(name && { referrer_name: name }),
    ...(referrer.company && { referrer_company: referrer.company }),
  };
}

/** Remembers who referred the address, so a message from them later suggests the referrer (src/tasks/triage.ts). */
export async function rememberReferral(
  db: ParleyCollections,
  input: {
    person: ReferredPerson | undefined;
    referrer: Pick<ContactDoc, '_id' | 'email'>;
    enrollmentId: string;
    replyId: string;
    now: Date;
  },
): Promise<void> {
  const email = input.person?.email;
  if (!email || email === input.referrer.email) return;
  await triageStore(db).recordReferral({
    _id: email,
    ...(input.person?.name && { name: input.person.name }),
    referrerContactId: input.referrer._id,
    referrerEmail: input.referrer.email,
    enrollmentId: input.enrollmentId,
    replyId: input.replyId,
    at: input.now,
  });
}
