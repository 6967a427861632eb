/** When Parley may send: send windows in a contact's local time, step due times, and sending caps. Pure: every function takes the time. */
export { contactZone, describeLocalTime, requireZone, startOfLocalDay } from './zone.ts';
export { nextSendWindow, stepDueAt, type WindowPolicy } from './window.ts';
export { capRoom, type Caps } from './caps.ts';
