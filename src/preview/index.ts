/** Seeing before sending: each step as a contact gets it, and timelines on a virtual clock. */
export { previewSequence, type PreviewContact, type PreviewStep } from './preview.ts';
export { simulateSequence, type ReplyScenario, type TimelineEvent } from './simulate.ts';
export { readContactsCsv, contactFromArgument } from './contacts-file.ts';
