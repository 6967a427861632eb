import {
  contactStore,
  enrollmentStore,
  recordSuppression,
  suppressionEntryOf,
  type EnrollmentDoc,
  type SuppressionEntryDoc,
  type ParleyCollections,
  type Suppression,
  type SuppressionSource,
  type SuppressOutcome,
} from '../db/index.ts';
import { stopContactEnrollments } from '../enrollments/index.ts';
import { OWN_EVENTS, recordOwnEvent } from '../events/index.ts';

export interface SuppressOptions {
  reason: Suppression['reason'];
  source: SuppressionSource;
  /** The reply that asked for it, for source `reply` or `mailto`. */
  replyId?: string | undefined;
  now: Date;
  /** A hard bounce's status and diagnostic, kept as the evidence in the suppression register. */
  bounce?: SuppressionEntryDoc['bounce'];
  /** The conversation the opt-out answers, for the metrics; default: the contact's newest enrollment. */
  enrollment?: (Pick<EnrollmentDoc, '_id' | 'sequenceId'> & { stepId: string | undefined }) | undefined;
}

/** `found` is false when no contact has this id (deleted since the mail went out): nothing to do. */
export interface SuppressResult extends SuppressOutcome {
  /** Enrollments this call stopped. */
  stoppedEnrollments: number;
}

/**
 * Suppresses a contact for good and stops every enrollment of it that could still send. Safe to
 * call any number of times and from several places at once:
 * - The first suppression stays (its time and source answer "why did we stop?"); later calls only
 *   finish the work. On FerretDB v1 an update's filter is not an atomic guard (STACK-NOTES), so two
 *   simultaneous first calls may both write; the loser's record then differs only in time/source.
 * - The contact is marked before the enrollments are stopped: a sender that picks up an enrollment
 *   in between reads the contact first and stops it itself (StepSender checks `suppressed`).
 * - Listing (the `suppressions` register, keyed by the stored suppression) and stopping run on
 *   every call, even when the contact was already suppressed, so a call cut off between the writes
 *   is completed by the next one (the mail client retrying the POST, the reply being handled again).
 */
export async function suppressContact(
  db: Pick<ParleyCollections, 'contacts' | 'enrollments' | 'events' | 'rollupQueue' | 'statsQueue' | 'webhookQueue' | 'suppressions'>,
  contactId: string,
  options: SuppressOptions,
): Promise<SuppressResult> {
  const { reason, source, replyId, now } = options;
  const suppression: Suppression = { reason, at: now, source, ...(replyId !== undefined && { replyId }) };
  const marked = await contactStore(db).suppress(contactId, suppression, now);
  if (!marked.found) return { ...marked, stoppedEnrollments: 0 };
  const contact = await contactStore(db).mailingStatus(contactId);
  if (!contact) return { ...marked, found: false, stoppedEnrollments: 0 };
  const stored = marked.suppression ?? suppression;
  const eventKey = unsubscribeEventKey(contactId, contact.lifts);
  // The bounce's evidence belongs to a bounce's suppression only, not to an earlier unsubscribe.
  const evidence = stored.reason === 'bounce' ? { bounce: options.bounce } : { eventId: `${OWN_EVENTS.unsubscribed}:${eventKey}` };
  await recordSuppression(db, suppressionEntryOf(contact, stored, evidence));

  if (reason === 'unsubscribe') await recordUnsubscribe(db, contactId, eventKey, options);
  const stopped = await stopContactEnrollments(
    db,
    contactId,
    {
      kind: 'stopped',
      cause: reason === 'unsubscribe' ? 'unsubscribe' : 'hard_bounce',
      reason: `${reason === 'unsubscribe' ? 'unsubscribed' : 'bounced'} (${source})`,
      replyId,
    },
    now,
  );
  return { ...marked, stoppedEnrollments: stopped };
}

/**
 * The `unsubscribed` event's key: the contact's id, and after an admin lifted a suppression, the
 * number of lifts too, so opting out again is counted again while a redo of one opt-out is not.
 */
export const unsubscribeEventKey = (contactId: string, lifts: number | undefined): string => (lifts ? `${contactId}#${lifts}` : contactId);

/**
 * The `unsubscribed` event, once per contact and lift (recorded on every call, so a call cut off
 * before it is completed by the next), credited to the conversation it answers: the reply's enrollment, or
 * the contact's newest one for a link or mailto.
 */
async function recordUnsubscribe(
  db: Pick<ParleyCollections, 'enrollments' | 'events' | 'rollupQueue' | 'statsQueue' | 'webhookQueue'>,
  contactId: string,
  key: string,
  options: SuppressOptions,
): Promise<void> {
  const latest = options.enrollment ? undefined : await enrollmentStore(db).latestOfContact(contactId);
  const enrollment =
    options.enrollment ?? (latest ? { _id: latest._id, sequenceId: latest.sequenceId, stepId: latest.passedStepIds.at(-1) } : undefined);
  await recordOwnEvent(db, {
    type: OWN_EVENTS.unsubscribed,
    key,
    contactId,
    at: options.now,
    sequenceId: enrollment?.sequenceId,
    stepId: enrollment?.stepId,
    enrollmentId: enrollment?._id,
    props: { via: options.source },
  });
}
