// Contract for the reply classifier (implementation in progress).
export type { Intent, ReplyToClassify, Classification } from './types.ts';
