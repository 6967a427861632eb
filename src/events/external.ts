import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FIELD_NAME, normaliseAddress, upsertContacts } from '../contacts/index.ts';
import { eventStore, type EventDoc, type EventSource, type ParleyCollections } from '../db/index.ts';
import { describeError } from '../errors.ts';
import { EVENT_TYPE, OWN_EVENT_TYPES } from './types.ts';

/** Most events one call records (an HTTP batch, one slice of an import). */
export const MAX_EVENTS_PER_BATCH = 1000;
/** A sender's clock may run this far ahead before an event counts as "in the future". */
const CLOCK_SKEW_MS = 5 * 60_000;

const propValue = z.union([z.string().max(2000), z.number(), z.boolean()]).transform((v) => String(v).replace(/\0/g, ''));

/** One behaviour event as the HTTP API and the importer take it. */
export const eventInputSchema = z.strictObject({
  /** The sender's id for the event: sending it again records nothing new. Without one the content is the key. */
  id: z.string().min(1).max(200).optional(),
  email: z.string().transform((value, ctx) => {
    try {
      return normaliseAddress(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: describeError(error) });
      return z.NEVER;
    }
  }),
  type: z
    .string()
    .regex(EVENT_TYPE, 'lower-case snake_case, like page_visited')
    .refine((t) => !OWN_EVENT_TYPES.has(t), 'is one of the types Parley records itself; name your event differently'),
  /** ISO 8601 time or milliseconds since 1970; default: when it arrives. */
  at: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
  props: z
    .record(z.string().regex(FIELD_NAME, 'property names are letters, digits and _'), propValue)
    .refine((p) => Object.keys(p).length <= 50, 'at most 50 properties')
    .optional(),
});

export type EventInput = z.input<typeof eventInputSchema>;

export type EventResult =
  | { index: number; status: 'recorded'; eventId: string }
  | { index: number; status: 'duplicate'; eventId: string }
  | { index: number; status: 'rejected'; reason: string };

export interface RecordEventsResult {
  results: EventResult[];
  recorded: number;
  duplicates: number;
  rejected: number;
  /** Contacts with a newly recorded event: their segment membership may change. */
  contactIds: string[];
}

/**
 * Records events from outside Parley (the website, the product, an import). Each is checked on its
 * own: a bad one is rejected with the reason and the rest go in. Unknown addresses become
 * contacts. Idempotent by event id (`ext:<id>`), so a sender may retry a whole batch.
 */
export async function recordEvents(
  db: Pick<ParleyCollections, 'contacts' | 'events' | 'rollupQueue' | 'statsQueue'>,
  inputs: readonly unknown[],
  options: { source: Exclude<EventSource, 'parley'>; now?: Date },
): Promise<RecordEventsResult> {
  const now = options.now ?? new Date();
  const results: EventResult[] = [];
  const valid: Array<{ index: number; event: z.output<typeof eventInputSchema>; at: Date; eventId: string }> = [];
  inputs.forEach((input, index) => {
    const parsed = eventInputSchema.safeParse(input);
    if (!parsed.success) {
      results.push({
        index,
        status: 'rejected',
        reason: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
      });
      return;
    }
    const event = parsed.data;
    const at = event.at === undefined ? now : new Date(event.at);
    if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      results.push({ index, status: 'rejected', reason: `at: ${at.toISOString()} is in the future` });
      return;
    }
    valid.push({ index, event, at, eventId: `ext:${event.id ?? contentKey(event.email, event.type, at, event.props ?? {})}` });
  });

  const emails = [...new Set(valid.map((v) => v.event.email))];
  const { ids } = await upsertContacts(
    db,
    emails.map((email) => ({ email })),
    now,
  );
  const docs: EventDoc[] = valid.map(({ event, at, eventId }) => ({
    _id: eventId,
    contactId: contactIdOf(ids, event.email),
    type: event.type,
    at,
    source: options.source,
    props: event.props ?? {},
    receivedAt: now,
  }));
  // Each queued for its rollup first, then inserted: see EventStore.
  const failed = await eventStore(db).recordMany(docs, now);
  const touched = new Set<string>();
  valid.forEach(({ index, eventId }, i) => {
    if (failed.has(i)) results.push({ index, status: 'duplicate', eventId });
    else {
      results.push({ index, status: 'recorded', eventId });
      const contactId = docs[i]?.contactId;
      if (contactId) touched.add(contactId);
    }
  });
  results.sort((a, b) => a.index - b.index);
  const count = (status: EventResult['status']) => results.filter((r) => r.status === status).length;
  return { results, recorded: count('recorded'), duplicates: count('duplicate'), rejected: count('rejected'), contactIds: [...touched] };
}

/** Two deliveries of the same event without an id (same contact, type, time, props) are one event. */
function contentKey(email: string, type: string, at: Date, props: Record<string, string>): string {
  const sorted = Object.entries(props).sort(([a], [b]) => a.localeCompare(b));
  return `sha256:${createHash('sha256')
    .update(JSON.stringify([email, type, at.toISOString(), sorted]))
    .digest('hex')
    .slice(0, 32)}`;
}

/** upsertContacts returns an id for every address it was given; a missing one is a bug, not bad input. */
function contactIdOf(ids: ReadonlyMap<string, string>, email: string): string {
  const id = ids.get(email);
  if (id === undefined) throw new Error(`no contact id for ${email} after the upsert`);
  return id;
}
