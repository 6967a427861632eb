import { normaliseAddress } from '../contacts/index.ts';
import {
  contactStore,
  liftAuditId,
  replyStore,
  suppressionEntryId,
  suppressionStore,
  type ParleyCollections,
  type RepDoc,
  type ReplyDoc,
  type SuppressionAuditDoc,
  type SuppressionEntryDoc,
  type SuppressionPage,
  type SuppressionPageQuery,
} from '../db/index.ts';

type SuppressionCollections = Pick<ParleyCollections, 'contacts' | 'suppressions' | 'suppressionAudit'>;

/** Characters of a lift's reason: a sentence or two for the audit trail. */
export const MAX_LIFT_REASON = 1000;

/** What every lift says: lifting opens the address again, it does not send anything by itself. */
export const LIFT_NOTE = 'Enrollments the suppression stopped stay stopped: nothing is sent until the contact is enrolled again.';

export type LiftRefusal = 'not_admin' | 'reason_missing' | 'contact_not_found' | 'not_suppressed' | 'changed';

export type LiftResult =
  /** This call lifted the suppression and wrote `audit`. */
  | { kind: 'lifted'; audit: SuppressionAuditDoc }
  /** It was lifted before (`audit` says by whom); this call finished whatever that lift left undone. */
  | { kind: 'already_lifted'; audit: SuppressionAuditDoc }
  | { kind: 'refused'; code: LiftRefusal; message: string };

export interface LiftRequest {
  email: string;
  /** The acting rep: only an admin may lift. */
  by: Pick<RepDoc, '_id' | 'role'>;
  reason: string;
  now: Date;
  /**
   * When the suppression the admin saw was set (the web form sends it): a suppression set since
   * (the contact opted out again) is not lifted in its place.
   */
  expectedAt?: Date | undefined;
}

const refused = (code: LiftRefusal, message: string): LiftResult => ({ kind: 'refused', code, message });

/**
 * Lifts a contact's suppression, so it can be enrolled and written to again. Three writes, each
 * harmless to redo, in this order, so a crash between any two loses nothing and the next try
 * (by anyone) finishes it:
 * 1. the audit entry, keyed by the suppression it lifts: its unique insert is the once-only step
 *    (two admins at once record one lift; the second is told who lifted it);
 * 2. the contact's suppression removed, only if it is still the one the audit entry names;
 * 3. the register entry marked lifted.
 * A contact no longer suppressed but with an audit entry is a lift cut off after step 2: it is
 * finished from that entry. No enrollment is restarted (LIFT_NOTE).
 */
export async function liftSuppression(db: SuppressionCollections, request: LiftRequest): Promise<LiftResult> {
  if (request.by.role !== 'admin') return refused('not_admin', 'Only an admin can lift a suppression; ask one.');
  const reason = request.reason.trim();
  if (!reason) return refused('reason_missing', 'Say why the suppression is lifted: the reason goes into the audit trail.');
  if (reason.length > MAX_LIFT_REASON) return refused('reason_missing', `Keep the reason under ${MAX_LIFT_REASON} characters.`);
  let email: string;
  try {
    email = normaliseAddress(request.email);
  } catch {
    return refused('contact_not_found', `"${request.email.slice(0, 320)}" is not an email address.`);
  }
  const contact = await contactStore(db).getByEmail(email);
  if (!contact) return refused('contact_not_found', `No contact ${email}; see \`parley suppressions list\`.`);
  const store = suppressionStore(db);

  const suppressed = contact.suppressed;
  if (!suppressed) {
    const earlier = await store.latestAuditOf(contact._id);
    if (!earlier) return refused('not_suppressed', `${email} is not suppressed: nothing to lift.`);
    await finishLift(db, earlier);
    return { kind: 'already_lifted', audit: earlier };
  }
  if (request.expectedAt && request.expectedAt.getTime() !== suppressed.at.getTime())
    return refused('changed', `${email} was suppressed again since the list was shown; reload it and look again.`);

  const audit: SuppressionAuditDoc = {
    _id: liftAuditId(contact._id, suppressed.at),
    action: 'lift',
    contactId: contact._id,
    email,
    by: request.by._id,
    at: request.now,
    reason,
    prior: {
      suppressed,
      ...(contact.undeliverable && { undeliverable: contact.undeliverable }),
      ...(contact.lifts !== undefined && { lifts: contact.lifts }),
    },
  };
  if ((await store.insertAudit(audit)) === 'duplicate') {
    const earlier = (await store.audit(audit._id)) ?? audit;
    await finishLift(db, earlier);
    return { kind: 'already_lifted', audit: earlier };
  }
  await finishLift(db, audit);
  return { kind: 'lifted', audit };
}

/** Steps 2 and 3 of a lift, from its audit entry: the same writes whoever runs them, however often. */
async function finishLift(db: SuppressionCollections, audit: SuppressionAuditDoc): Promise<void> {
  const { at } = audit.prior.suppressed;
  await contactStore(db).lift(audit.contactId, at, (audit.prior.lifts ?? 0) + 1, audit.at);
  await suppressionStore(db).markLifted(suppressionEntryId(audit.contactId, at), { at: audit.at, by: audit.by, auditId: audit._id });
}

/** A page of the suppression register, newest first. */
export function listSuppressions(db: SuppressionCollections, query: SuppressionPageQuery): Promise<SuppressionPage> {
  return suppressionStore(db).page(query);
}

/** The newest lifts, newest first. */
export function recentLifts(db: SuppressionCollections, limit: number): Promise<SuppressionAuditDoc[]> {
  return suppressionStore(db).recentAudit(limit);
}

/** The newest mail that matched no enrollment (forged or stray delivery reports among it): recorded, changed nothing. */
export function recentUnmatchedMail(db: Pick<ParleyCollections, 'replies'>, limit: number): Promise<ReplyDoc[]> {
  return replyStore(db).recentUnmatched(limit);
}

/** Why, in a person's words: the reason and where it came from. */
export function suppressionWhy(entry: Pick<SuppressionEntryDoc, 'reason' | 'source'>): string {
  const source = entry.source ?? 'reply';
  if (entry.reason === 'bounce') return 'hard bounce';
  return source === 'link' ? 'unsubscribe link' : source === 'mailto' ? 'unsubscribe email (List-Unsubscribe)' : 'unsubscribe reply';
}

/** The evidence of a suppression: the reply, and a bounce's status, reason and diagnostic. */
export function suppressionEvidence(entry: SuppressionEntryDoc): string {
  const parts = [
    entry.replyId && `reply ${entry.replyId}`,
    entry.eventId && `event ${entry.eventId}`,
    entry.bounce?.status && `status ${entry.bounce.status}`,
    entry.bounce?.reason && `reason ${entry.bounce.reason.replace(/_/g, ' ')}`,
    entry.bounce?.diagnostic && `"${entry.bounce.diagnostic}"`,
  ];
  return parts.filter(Boolean).join(', ');
}

/** What a delivery report that matched nothing claims: the address it names, its status, the Message-ID it cites. Empty for other mail. */
export function unmatchedReport(reply: Pick<ReplyDoc, 'analysis'>): string {
  const bounce = reply.analysis?.bounce;
  if (!bounce) return '';
  return [
    `${bounce.kind} bounce`,
    bounce.recipient && `names ${bounce.recipient}`,
    bounce.status && `status ${bounce.status}`,
    bounce.reason && `reason ${bounce.reason.replace(/_/g, ' ')}`,
    `cites ${bounce.originalMessageId ?? 'no message'}`,
    bounce.diagnostic && `"${bounce.diagnostic}"`,
  ]
    .filter(Boolean)
    .join(', ');
}
