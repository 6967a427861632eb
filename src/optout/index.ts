/**
 * Opting out: signed unsubscribe links, the List-Unsubscribe headers that point at them (RFC 2369,
 * RFC 8058), and suppressing a contact for good. No web or mail library here; src/web serves the
 * links, the sender adds the headers.
 */
export { unsubscribeToken, verifyUnsubscribeToken, MAX_TOKEN_LENGTH } from './token.ts';
export { unsubscribeUrl, listUnsubscribeHeaders, UNSUBSCRIBE_PATH, MAILTO_UNSUBSCRIBE_SUBJECT } from './links.ts';
export { suppressContact, type SuppressOptions, type SuppressResult } from './suppress.ts';
export {
  liftSuppression,
  listSuppressions,
  recentLifts,
  recentUnmatchedMail,
  suppressionEvidence,
  suppressionWhy,
  unmatchedReport,
  LIFT_NOTE,
  MAX_LIFT_REASON,
  type LiftRefusal,
  type LiftRequest,
  type LiftResult,
} from './suppressions.ts';
