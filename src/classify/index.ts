// The reply classifier: a reply's own words, then what they mean.
export type { Intent, ReplyToClassify, Classification } from './types.ts';
export { extractVisibleText } from './visible-text.ts';
export { classifyReply } from './intent.ts';
export { outOfOfficeReturnDate } from './return-date.ts';
