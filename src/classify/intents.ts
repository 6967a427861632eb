import type { Intent } from './types.ts';

// Every intent once: a key missing here, or one that is no intent, fails to compile.
const ALL: Record<Intent, true> = {
  interested: true,
  meeting_request: true,
  question: true,
  not_now: true,
  not_interested: true,
  unsubscribe: true,
  wrong_person: true,
  out_of_office: true,
  auto_reply: true,
  bounce: true,
  unclear: true,
};

/** Every intent, in the order people read them (a rep's relabel menu, error messages). */
export const INTENTS: readonly Intent[] = Object.keys(ALL) as Intent[];

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && Object.hasOwn(ALL, value);
}
