import { IANAZone } from 'luxon';
import { z } from 'zod';
import { slug, strictObject } from './schema-fields.ts';
import type { SendingPolicy, Weekday } from './types.ts';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const satisfies readonly Weekday[];

/** The opt-out sentence every email ends with unless the file says otherwise. */
export const DEFAULT_OPT_OUT_SENTENCE = 'P.S. If you\'d rather not hear from me, just reply "stop" and I won\'t write again.';

// Objects use prefault({}): the defaults of their fields then apply and the transforms run.

/** "09:00" → 540. YAML 1.2 (the yaml package's default) reads an unquoted 09:00 as a string. */
const clockTime = z
  .string({ error: 'expected a time like "09:00"' })
  // "24:00" closes a window at midnight, so a day can be open from start to end.
  .regex(/^(?:([01]?\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a 24-hour time like "09:00" (or "24:00" for midnight at the end of the day)')
  .transform((text) => {
    const [hours = 0, minutes = 0] = text.split(':').map(Number);
    return hours * 60 + minutes;
  });

const positiveInt = z.int('expected a whole number').positive('must be 1 or more');

const sendHours = strictObject({ start: clockTime.default(9 * 60), end: clockTime.default(17 * 60) })
  // `when`: compare only two valid times (zod would otherwise run this after a bad start).
  .refine((h) => h.start < h.end, {
    message: "end must be after start (a window can't cross midnight)",
    when: (p) => p.issues.length === 0,
  })
  .transform((h) => Object.freeze({ startMinute: h.start, endMinute: h.end }));

export const policy = strictObject({
  timezone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'expected an IANA time zone like "Europe/Berlin" or "America/New_York"')
    .default('UTC'),
  send_days: z
    .array(z.enum(WEEKDAYS, { error: `expected a day: ${WEEKDAYS.join(', ')}` }))
    .min(1, 'list at least one day')
    .refine((days) => new Set(days).size === days.length, 'lists a day twice')
    .default(['mon', 'tue', 'wed', 'thu', 'fri']),
  send_hours: sendHours.prefault({}),
  max_per_contact_30d: positiveInt.default(8),
  mailbox_caps: strictObject({ per_day: positiveInt.default(200), per_hour: positiveInt.default(50) }).prefault({}),
}).transform((p): SendingPolicy =>
  Object.freeze({
    timezone: p.timezone,
    // Week order, whatever order the file lists them in.
    sendDays: Object.freeze(WEEKDAYS.filter((d) => p.send_days.includes(d))),
    sendHours: p.send_hours,
    maxPerContact30d: p.max_per_contact_30d,
    mailboxCaps: Object.freeze({ perDay: p.mailbox_caps.per_day, perHour: p.mailbox_caps.per_hour }),
  }),
);

export const audience = strictObject({
  manual: z.boolean().default(true),
  segment: slug.optional(),
  reenter: z.boolean().default(false),
  on_exit: z.enum(['stay', 'stop'], { error: 'expected stay (keep sending) or stop' }).default('stay'),
})
  .refine((a) => a.manual || a.segment !== undefined, 'with manual: false, name a segment; otherwise nobody can join this sequence')
  .refine(
    (a) => a.segment !== undefined || (!a.reenter && a.on_exit === 'stay'),
    'reenter and on_exit apply to a segment audience: name the segment',
  )
  .transform((a) => Object.freeze({ manual: a.manual, segment: a.segment, reenter: a.reenter, onExit: a.on_exit }));

export const optOut = strictObject({
  sentence: z
    .string()
    .transform((s) => s.trim())
    .default(DEFAULT_OPT_OUT_SENTENCE),
  list_unsubscribe: z.boolean().default(false),
}).transform((o) => Object.freeze({ sentence: o.sentence, listUnsubscribe: o.list_unsubscribe }));
