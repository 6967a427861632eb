import type { Intent } from '../classify/index.ts';

/**
 * How urgently a reply needs a person (1 first). Hot leads cool in minutes, so interest and
 * questions lead; replies that need no person (out of office, auto-replies, bounce, unsubscribe) make no task.
 */
const PRIORITY: Readonly<Record<Intent, number | undefined>> = {
  meeting_request: 1,
  interested: 1,
  question: 2,
  wrong_person: 3,
  unclear: 3,
  not_now: 4,
  not_interested: 5,
  out_of_office: undefined,
  auto_reply: undefined,
  bounce: undefined,
  unsubscribe: undefined,
};

/** The task priority for a reply with this intent; undefined when no person needs to answer. */
export function taskPriority(intent: Intent): number | undefined {
  return PRIORITY[intent];
}
