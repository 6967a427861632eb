import { stat } from 'node:fs/promises';
import type { ParleyCollections } from '../db/index.ts';
import { describeError } from '../errors.ts';
import { assertReadable, contactFromRecord, readRecords } from './rows.ts';
import { upsertContacts, type ContactInput } from './upsert.ts';

export interface ImportProblem {
  line: number;
  reason: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  /** Rows left out, with their line and why; every other row was imported. */
  invalid: ImportProblem[];
}

export interface ImportOptions {
  now?: Date;
  /** Rows per bulk write. */
  batchSize?: number;
  /** Called after each batch with the rows read so far and the bytes of the file (for a progress bar). */
  onProgress?: (progress: { rows: number; bytesRead: number; bytesTotal: number }) => void;
}

/**
 * Imports contacts from a CSV or JSON-lines file: upsert by normalised address, in batches. A bad
 * row is reported with its line and reason and the others go in; the same address twice in one
 * batch is merged (later rows win).
 */
export async function importContacts(
  db: Pick<ParleyCollections, 'contacts'>,
  path: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  await assertReadable(path);
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 500;
  const bytesTotal = (await stat(path)).size;
  const report: ImportReport = { created: 0, updated: 0, invalid: [] };
  let batch = new Map<string, ContactInput>();
  let rows = 0;
  let bytesRead = 0;
  const flush = async () => {
    const result = await upsertContacts(db, [...batch.values()], now);
    report.created += result.created;
    report.updated += result.updated;
    batch = new Map();
    options.onProgress?.({ rows, bytesRead: Math.min(bytesRead, bytesTotal), bytesTotal });
  };
  for await (const row of readRecords(path)) {
    rows += 1;
    if (!row.ok) {
      report.invalid.push({ line: row.line, reason: row.reason });
      continue;
    }
    // An estimate good enough for a progress bar, without a second pass over the file.
    bytesRead += JSON.stringify(row.value).length;
    try {
      const contact = contactFromRecord(row.value);
      const earlier = batch.get(contact.email);
      batch.set(contact.email, earlier ? { ...earlier, ...contact, fields: { ...earlier.fields, ...contact.fields } } : contact);
    } catch (error) {
      report.invalid.push({ line: row.line, reason: describeError(error) });
    }
    if (batch.size >= batchSize) await flush();
  }
  if (batch.size > 0) await flush();
  options.onProgress?.({ rows, bytesRead: bytesTotal, bytesTotal });
  return report;
}
