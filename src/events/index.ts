/** Behaviour events: what contacts did (from outside, through the API or an import) and what happened in their conversations (Parley's own). */
export { OWN_EVENTS, OWN_EVENT_TYPES, EVENT_TYPE, type OwnEventType } from './types.ts';
export { recordOwnEvent, type OwnEvent, type OwnEventCollections } from './own.ts';
export {
  eventInputSchema,
  MAX_EVENTS_PER_BATCH,
  recordEvents,
  type EventInput,
  type EventResult,
  type RecordEventsResult,
} from './external.ts';
export { importEvents, type EventImportReport } from './import.ts';
