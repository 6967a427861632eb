import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { contactFromRecord } from '../contacts/index.ts';
import { describeError, ErrorCodes, ParleyError } from '../errors.ts';
import type { PreviewContact } from './preview.ts';

/**
 * Contacts from a CSV file with a header row, the columns `parley contacts import` takes: email
 * (required), first_name, last_name, company, time_zone, owner; any other column is a custom
 * template field.
 */
export async function readContactsCsv(path: string): Promise<PreviewContact[]> {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(await readFile(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new ParleyError(ErrorCodes.CONTACTS_FILE_INVALID, `Can't read contacts from ${path}: ${String(error)}`, { cause: error });
  }
  return rows.map((row, i) => {
    try {
      return contactFromRecord(row);
    } catch (error) {
      throw new ParleyError(ErrorCodes.CONTACTS_FILE_INVALID, `${path}, line ${i + 2}: ${describeError(error)}.`);
    }
  });
}

/** A contact given on the command line: an email address, or a JSON object with the same fields as the CSV. */
export function contactFromArgument(text: string): PreviewContact {
  if (!text.trim().startsWith('{')) return { email: text.trim() };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParleyError(ErrorCodes.CONTACT_ADDRESS_INVALID, `--contact is not valid JSON: ${String(error)}`);
  }
  if (typeof value !== 'object' || value === null || typeof (value as { email?: unknown }).email !== 'string') {
    throw new ParleyError(
      ErrorCodes.CONTACT_ADDRESS_INVALID,
      '--contact JSON needs an "email" string, e.g. {"email":"ada@example.com","first_name":"Ada"}',
    );
  }
  try {
    return contactFromRecord(value as Record<string, unknown>);
  } catch (error) {
    throw new ParleyError(ErrorCodes.CONTACT_ADDRESS_INVALID, `--contact: ${describeError(error)}`);
  }
}
