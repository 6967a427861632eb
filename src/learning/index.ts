/** Learning from reps: their corrections, training new intent models, and loading the newest. */
export { relabelReply } from './corrections.ts';
export { trainIntentModel, type TrainingResult } from './training.ts';
export { IntentModelStore } from './model-store.ts';
