import { analyzeReply } from './analyze.ts';
import type { Classification, ReplyToClassify } from './types.ts';

export { CONFIDENCE_THRESHOLD } from './model-verdict.ts';

/** What a reply means: analyzeReply's classification, for callers that need nothing else. */
export function classifyReply(reply: ReplyToClassify): Classification {
  return analyzeReply(reply).classification;
}
