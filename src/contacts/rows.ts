import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { describeError, ErrorCodes, ParleyError } from '../errors.ts';
import { requireZone } from '../schedule/index.ts';
import { FIELD_NAME, normaliseAddress } from './address.ts';
import type { ContactInput } from './upsert.ts';

/** One row of a contacts or events file: what it says, or why it can't be used. `line` is 1-based. */
export type FileRow<T> = { line: number; ok: true; value: T } | { line: number; ok: false; reason: string };

type StandardField = Exclude<keyof ContactInput, 'fields'>;

/** Column names for the standard fields (snake_case; camelCase is accepted too). */
const COLUMNS: Readonly<Record<string, StandardField>> = {
  email: 'email',
  first_name: 'firstName',
  last_name: 'lastName',
  company: 'company',
  time_zone: 'timeZone',
  timezone: 'timeZone',
  owner: 'owner',
};

/**
 * A contact from one record (a CSV row or a JSON object): email (required), first_name, last_name,
 * company, time_zone, owner; every other key becomes a custom template field. Empty values are
 * left out, so an import never blanks a field it doesn't mention. Throws a message for the row.
 */
export function contactFromRecord(record: Readonly<Record<string, unknown>>): ContactInput {
  const contact: ContactInput = { email: '' };
  const fields: Record<string, string> = {};
  for (const [key, raw] of Object.entries(record)) {
    if (raw === null || raw === undefined || raw === '') continue;
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean' && typeof raw !== 'bigint') {
      throw new Error(`'${key}' is not a plain value; use strings or numbers`);
    }
    const value = String(raw).trim();
    if (value === '') continue;
    const standard = COLUMNS[key.replace(/[A-Z]/g, (c) => `_${c}`).toLowerCase()];
    if (standard) contact[standard] = value;
    else if (FIELD_NAME.test(key)) fields[key] = value;
    else throw new Error(`field name '${key}' must be letters, digits and _ (starting with a letter or _)`);
  }
  if (!contact.email) throw new Error('no email; every row needs one');
  contact.email = normaliseAddress(contact.email);
  if (contact.owner) contact.owner = normaliseAddress(contact.owner);
  // A bad zone would silently fall back to the sequence's: say so while the file can be fixed.
  if (contact.timeZone) requireZone(contact.timeZone);
  return { ...contact, fields };
}

/** Rows of a .csv (header row first) or a JSON-lines file (.jsonl, .ndjson, .json: one object a line), streamed. */
export async function* readRecords(path: string): AsyncGenerator<FileRow<Record<string, unknown>>> {
  if (/\.(jsonl|ndjson|json)$/i.test(path)) yield* readJsonLines(path);
  else if (/\.csv$/i.test(path)) yield* readCsv(path);
  else throw new ParleyError(ErrorCodes.CONTACTS_FILE_INVALID, `${path}: name the file .csv or .jsonl so Parley knows how to read it.`);
}

async function* readJsonLines(path: string): AsyncGenerator<FileRow<Record<string, unknown>>> {
  const lines = createInterface({ input: openFile(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) yield { line, ok: false, reason: 'expected a JSON object' };
      else yield { line, ok: true, value: value as Record<string, unknown> };
    } catch (error) {
      yield { line, ok: false, reason: `not valid JSON: ${describeError(error)}` };
    }
  }
}

async function* readCsv(path: string): AsyncGenerator<FileRow<Record<string, unknown>>> {
  // relax_column_count: a short or long row is that row's problem, not the whole file's.
  const parser = openFile(path).pipe(
    parse({ columns: true, skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: true }),
  );
  try {
    for await (const entry of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: entry.info.lines, ok: true, value: entry.record };
    }
  } catch (error) {
    throw new ParleyError(
      ErrorCodes.CONTACTS_FILE_INVALID,
      `${path}: ${describeError(error)}; fix the file and import again (rows before it were imported).`,
      { cause: error },
    );
  }
}

const openFile = (path: string) => createReadStream(path, 'utf8');

/** Checks the file can be opened before anything is written, with an error that names it. */
export async function assertReadable(path: string): Promise<void> {
  try {
    await access(path);
  } catch (error) {
    throw new ParleyError(ErrorCodes.CONTACTS_FILE_INVALID, `Can't read ${path}: ${describeError(error)}`, { cause: error });
  }
}
