import { INTENTS, isIntent } from '../classify/index.ts';
import { replyStore, type ParleyCollections, type ReplyDoc } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';

/**
 * Stores a rep's correction of a reply's intent, for the next training. The original label stays
 * beside it, so how often (and how) the model was wrong can be counted.
 */
export async function relabelReply(
  db: ParleyCollections,
  replyId: string,
  intent: string,
  by: string,
  now = new Date(),
): Promise<ReplyDoc> {
  if (!isIntent(intent)) {
    throw new ParleyError(ErrorCodes.INTENT_UNKNOWN, `"${intent}" is not an intent; use one of ${INTENTS.join(', ')}.`);
  }
  const replies = replyStore(db);
  const reply = await replies.get(replyId);
  if (!reply) throw new ParleyError(ErrorCodes.REPLY_NOT_FOUND, `No reply with id ${replyId}; ids look like "mid:<message-id>".`);
  const correction = { intent, by, at: now };
  await replies.correct(replyId, correction);
  return { ...reply, correction };
}
