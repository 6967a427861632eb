import type { ParleyCollections } from '../db/index.ts';
import { assertReadable, readRecords } from '../contacts/index.ts';
import { MAX_EVENTS_PER_BATCH, recordEvents } from './external.ts';

export interface EventImportReport {
  recorded: number;
  duplicates: number;
  /** Rows left out, with their line and why. */
  rejected: Array<{ line: number; reason: string }>;
  contactIds: Set<string>;
}

/**
 * A CSV row as an event: columns id, email, type, at; every other column a property. JSON lines
 * are taken as they are ({"id", "email", "type", "at", "props": {...}}).
 */
function eventFromCsvRow(row: Record<string, unknown>): Record<string, unknown> {
  const { id, email, type, at, ...props } = row;
  const event: Record<string, unknown> = { email, type };
  if (id !== undefined && id !== '') event.id = id;
  if (at !== undefined && at !== '') event.at = typeof at === 'string' && /^\d+$/.test(at) ? Number(at) : at;
  const kept = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== ''));
  if (Object.keys(kept).length > 0) event.props = kept;
  return event;
}

/** Imports behaviour events from a file, in batches; each row is checked on its own, and re-importing the same file records nothing twice (by event id). */
export async function importEvents(
  db: Pick<ParleyCollections, 'contacts' | 'events' | 'rollupQueue' | 'statsQueue'>,
  path: string,
  options: { now?: Date; onProgress?: (rows: number) => void } = {},
): Promise<EventImportReport> {
  await assertReadable(path);
  const csv = /\.csv$/i.test(path);
  const report: EventImportReport = { recorded: 0, duplicates: 0, rejected: [], contactIds: new Set() };
  let batch: Array<{ line: number; event: unknown }> = [];
  let rows = 0;
  const flush = async () => {
    const result = await recordEvents(
      db,
      batch.map((b) => b.event),
      { source: 'import', ...(options.now && { now: options.now }) },
    );
    report.recorded += result.recorded;
    report.duplicates += result.duplicates;
    for (const r of result.results)
      if (r.status === 'rejected') report.rejected.push({ line: batch[r.index]?.line ?? 0, reason: r.reason });
    for (const id of result.contactIds) report.contactIds.add(id);
    batch = [];
    options.onProgress?.(rows);
  };
  for await (const row of readRecords(path)) {
    rows += 1;
    if (!row.ok) report.rejected.push({ line: row.line, reason: row.reason });
    else batch.push({ line: row.line, event: csv ? eventFromCsvRow(row.value) : row.value });
    if (batch.length >= MAX_EVENTS_PER_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return report;
}
