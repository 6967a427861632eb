import type { ContactDoc, ParleyCollections } from '../db/index.ts';
import { capRoom, contactZone, nextSendWindow } from '../schedule/index.ts';
import type { Sequence } from '../sequences/index.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Undefined when a step may go out now; otherwise the next moment it may: inside the contact's
 * local send window, under the per-contact 30-day cap (all sequences) and the sender mailbox's
 * hourly and daily caps. Attempts in flight count, so a burst can't overshoot by its own size.
 * Workers running at the same moment may each take the last free slot: caps are exact within
 * one worker and can be passed by at most one email per extra worker.
 */
export async function sendGate(db: ParleyCollections, sequence: Sequence, contact: ContactDoc, now: Date): Promise<Date | undefined> {
  const { policy } = sequence;
  const zone = contactZone(contact.timeZone, policy);
  const window = nextSendWindow(now, zone, policy);
  if (window > now) return window;

  const counted = { state: { $in: ['sending', 'sent'] as Array<'sending' | 'sent'> } };
  const times = async (filter: object) =>
    (await db.deliveries.find({ ...counted, ...filter }, { projection: { claimedAt: 1 } }).toArray()).map((d) => d.claimedAt);
  const [toContact, fromMailbox] = await Promise.all([
    times({ to: contact.email, claimedAt: { $gte: new Date(now.getTime() - 30 * DAY) } }),
    times({ from: sequence.sender.address, claimedAt: { $gte: new Date(now.getTime() - DAY) } }),
  ]);
  const room = capRoom(
    now,
    { maxPerContact30d: policy.maxPerContact30d, perHour: policy.mailboxCaps.perHour, perDay: policy.mailboxCaps.perDay },
    { toContact, fromMailbox },
  );
  return room > now ? nextSendWindow(room, zone, policy) : undefined;
}
