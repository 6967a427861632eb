import type { EventDoc } from '../../src/db/index.ts';
import { OWN_EVENTS } from '../../src/events/types.ts';
import type { EnrolledRecord, SequenceOutline } from '../../src/stats/index.ts';
import { seeded } from './random.ts';

const DAY_MS = 86_400_000;
const INTENTS = ['interested', 'meeting_request', 'question', 'not_now', 'not_interested', 'unclear'];

export const HISTORY_SEQUENCES: SequenceOutline[] = [
  { id: 'alpha', name: 'Alpha', stepIds: ['a1', 'a2', 'a3'] },
  { id: 'beta', name: 'Beta', stepIds: ['b1', 'b2'] },
];

/**
 * A random history of a few conversations over `days` UTC days from `start` (a midnight): sends
 * (some twice), hard and soft bounces, replies with intents (some naming no step), answers (some
 * to unknown replies, some with bad times), unsubscribes, qualifications, out-of-office answers,
 * events of a sequence no longer in the catalog and events without a sequence or enrollment, and
 * some at the same millisecond or exactly at midnight. The same seed gives the same history.
 */
export function randomHistory(
  seed: number,
  options: { start: Date; days: number; events: number; idPrefix?: string },
): { events: EventDoc[]; enrollments: EnrolledRecord[] } {
  const rnd = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const prefix = options.idPrefix ?? `h${seed}`;
  const sequences = [...HISTORY_SEQUENCES.map((s) => ({ id: s.id, stepIds: s.stepIds })), { id: 'retired', stepIds: ['r1'] }];
  // An enrollment belongs to one sequence, the same in every history (so histories can be merged by enrollment).
  const enrollments = Array.from({ length: 30 }, (_, i) => ({
    id: `${prefix}-e${i}`,
    sequence: sequences[i % sequences.length] as (typeof sequences)[number],
  }));
  const span = options.days * DAY_MS;
  const times: number[] = [];
  const timeOf = (): Date => {
    const r = rnd();
    // Some exactly at midnight, some at a time already used, the rest anywhere.
    const t = r < 0.05 ? Math.floor(rnd() * options.days) * DAY_MS : r < 0.12 && times.length > 0 ? pick(times) : Math.floor(rnd() * span);
    times.push(t);
    return new Date(options.start.getTime() + t);
  };
  const replyIds: string[] = [];
  const events: EventDoc[] = [];
  for (let n = 0; n < options.events; n++) {
    const e = pick(enrollments);
    const step = pick(e.sequence.stepIds);
    const at = timeOf();
    const r = rnd();
    const doc = (
      type: string,
      key: string,
      stepId: string | undefined,
      props: Record<string, string> = {},
      sequenceId: string | undefined = e.sequence.id,
    ): EventDoc => ({
      _id: `${type}:${key}`,
      contactId: `c-${e.id}`,
      type,
      at,
      source: 'parley',
      props,
      ...(sequenceId !== undefined && { sequenceId }),
      ...(stepId !== undefined && { stepId }),
      enrollmentId: e.id,
      receivedAt: at,
    });
    if (r < 0.4) events.push(doc(OWN_EVENTS.sent, `${prefix}-${n}`, step, { attempt: String(1 + Math.floor(rnd() * 2)) }));
    else if (r < 0.48) events.push(doc(OWN_EVENTS.bounced, `${prefix}-${n}`, step, { kind: rnd() < 0.6 ? 'hard' : 'soft' }));
    else if (r < 0.62) {
      const replyId = `mid:<${prefix}-${n}@lead.example>`;
      replyIds.push(replyId);
      const props: Record<string, string> = rnd() < 0.9 ? { intent: pick(INTENTS) } : {};
      events.push(doc(OWN_EVENTS.replied, replyId, rnd() < 0.2 ? undefined : step, props));
    } else if (r < 0.72) {
      const replyId = replyIds.length > 0 && rnd() < 0.85 ? pick(replyIds) : `mid:<nowhere-${n}>`;
      const ms = rnd() < 0.1 ? pick(['-5', 'soon', '']) : String(Math.floor(rnd() * 2 * DAY_MS));
      events.push(doc(OWN_EVENTS.taskAnswered, `reply:${replyId}#${n}`, undefined, ms === '' ? {} : { response_ms: ms }));
    } else if (r < 0.77) events.push(doc(OWN_EVENTS.unsubscribed, `${prefix}-${n}`, rnd() < 0.3 ? undefined : step, { via: 'link' }));
    else if (r < 0.83) events.push(doc(OWN_EVENTS.qualified, `${prefix}-${n}`, undefined, { by: 'rep' }));
    else if (r < 0.87) events.push(doc(OWN_EVENTS.autoReplied, `${prefix}-${n}`, step, { intent: 'out_of_office' }));
    else if (r < 0.9) events.push(doc(OWN_EVENTS.replied, `mid:<${prefix}-noseq-${n}>`, step, { intent: pick(INTENTS) }, undefined));
    else if (r < 0.93) {
      const { enrollmentId: _, ...withoutEnrollment } = doc(OWN_EVENTS.sent, `${prefix}-${n}`, step);
      events.push(withoutEnrollment);
    } else
      events.push({
        _id: `ext:${prefix}-${n}`,
        contactId: `c-${e.id}`,
        type: 'page_visited',
        at,
        source: 'api',
        props: { url: '/pricing' },
        receivedAt: at,
      });
  }
  // A task id names its reply once: the answer keys above carry `#n` to stay unique, which the
  // metrics read as a reply id that does not exist, so give most of them the plain form.
  const seenAnswers = new Set<string>();
  for (const event of events) {
    if (event.type !== OWN_EVENTS.taskAnswered) continue;
    const plain = event._id.replace(/#\d+$/, '');
    if (!seenAnswers.has(plain) && rnd() < 0.8) {
      seenAnswers.add(plain);
      event._id = plain;
    }
  }
  const enrolled: EnrolledRecord[] = enrollments.map((e) => ({
    sequenceId: e.sequence.id,
    status: rnd() < 0.3 ? 'completed' : 'active',
    enrolledAt: new Date(options.start.getTime() + Math.floor(rnd() * span)),
  }));
  return { events: shuffle(events, rnd), enrollments: enrolled };
}

function shuffle<T>(list: T[], rnd: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j] as T, list[i] as T];
  }
  return list;
}
