import { utcDay, type EnrollmentDoc, type EnrollmentStatus, type EventDoc, type ParleyCollections } from '../../src/db/index.ts';
import { OWN_EVENTS } from '../../src/events/index.ts';
import { fixtureEnrollment } from '../../src/stats/testing.ts';

/**
 * A month of plausible history for one sequence (for the stats page's screenshot): enrollments
 * over the last four weeks, each getting steps a few days apart until it replies, bounces or
 * opts out, replies of every intent, rep answers from minutes to a day, some qualified.
 * Deterministic (a fixed seed), so the screenshot changes only when the page does.
 */
export async function insertStatsHistory(
  db: Pick<ParleyCollections, 'events' | 'enrollments' | 'statsQueue'>,
  options: { sequenceId: string; stepIds: readonly string[]; enrollments: number; now: Date },
): Promise<void> {
  let seed = 20260301;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const intents = [
    'interested',
    'interested',
    'meeting_request',
    'question',
    'question',
    'question',
    'not_now',
    'not_now',
    'not_interested',
    'wrong_person',
    'unsubscribe',
    'unclear',
  ];
  const responseMinutes = [2, 3, 4, 8, 12, 20, 25, 40, 55, 90, 150, 240, 400, 700, 1300, 2000];
  const events: EventDoc[] = [];
  const enrollments: EnrollmentDoc[] = [];
  const day = 86_400_000;
  const event = (type: string, key: string, e: string, at: Date, stepId: string | undefined, props: Record<string, string>): EventDoc => ({
    _id: `${type}:${key}`,
    contactId: `c-${e}`,
    type,
    at,
    source: 'parley',
    props,
    sequenceId: options.sequenceId,
    ...(stepId !== undefined && { stepId }),
    enrollmentId: e,
    receivedAt: at,
  });

  for (let i = 0; i < options.enrollments; i++) {
    const id = `hist-${i}`;
    const enrolledAt = new Date(options.now.getTime() - (27 - (i * 26) / options.enrollments) * day);
    let status: EnrollmentStatus = 'completed';
    let at = enrolledAt.getTime() + 3_600_000;
    for (const [n, stepId] of options.stepIds.entries()) {
      if (at > options.now.getTime()) {
        status = 'active';
        break;
      }
      events.push(event(OWN_EVENTS.sent, `${id}:${stepId}#1`, id, new Date(at), stepId, { attempt: '1' }));
      const roll = random();
      if (n === 0 && roll < 0.04) {
        events.push(event(OWN_EVENTS.bounced, `bounce-${id}`, id, new Date(at + 60_000), stepId, { kind: 'hard', status: '5.1.1' }));
        status = 'stopped';
        break;
      }
      if (roll < 0.07) {
        events.push(event(OWN_EVENTS.unsubscribed, `c-${id}`, id, new Date(at + 7_200_000), stepId, { via: 'link' }));
        status = 'stopped';
        break;
      }
      if (roll < 0.3) {
        const intent = pick(intents);
        const repliedAt = at + (1 + random() * 30) * 3_600_000;
        if (repliedAt > options.now.getTime()) {
          status = 'active';
          break;
        }
        const replyId = `mid:<${id}@lead.example>`;
        events.push(event(OWN_EVENTS.replied, replyId, id, new Date(repliedAt), stepId, { intent, matched_by: 'thread' }));
        const ms = pick(responseMinutes) * 60_000;
        if (intent !== 'unsubscribe' && repliedAt + ms < options.now.getTime()) {
          events.push(
            event(OWN_EVENTS.taskAnswered, `reply:${replyId}`, id, new Date(repliedAt + ms), undefined, {
              response_ms: String(ms),
              rep: 'rita@parley.test',
            }),
          );
        }
        if ((intent === 'interested' || intent === 'meeting_request') && random() < 0.6) {
          events.push(
            event(OWN_EVENTS.qualified, `c-${id}`, id, new Date(repliedAt + ms + 3_600_000), undefined, { by: 'rita@parley.test' }),
          );
        }
        status = 'paused';
        break;
      }
      at += (2 + Math.floor(random() * 3)) * day;
    }
    enrollments.push(fixtureEnrollment(id, options.sequenceId, status, enrolledAt));
  }
  // Future-dated events (answers, qualifications after the read) would not count anyway; keep the data honest.
  const recorded = events.filter((e) => e.at.getTime() <= options.now.getTime());
  // Marked for the stats summaries first, as Parley records them: a running worker may have
  // summarized these days already (empty), and a marker makes a read take the day from its events.
  await db.statsQueue.insertMany(recorded.map((e) => ({ _id: e._id, day: utcDay(e.at), queuedAt: options.now })));
  await db.events.insertMany(recorded);
  await db.enrollments.insertMany(enrollments);
}
