// Helpers for this folder's tests (not part of the public surface; left out of the build).
import type { ReplyToClassify } from './types.ts';

/** A person's plain-text reply to a Parley step, written on Wednesday 4 March 2026; `over` changes any field. */
export function replyOf(visibleText: string, over: Partial<ReplyToClassify> = {}): ReplyToClassify {
  return {
    subject: 'Re: Quick question about your outbound',
    visibleText,
    headers: {},
    fromAddress: 'anna@acme.com',
    contentType: 'text/plain',
    date: new Date('2026-03-04T10:00:00Z'),
    ...over,
  };
}
