import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { ErrorCodes, ParleyError } from '../errors.ts';
import type { PreviewContact } from './preview.ts';

type ContactColumn = Exclude<keyof PreviewContact, 'fields'>;

const COLUMNS: Readonly<Record<string, ContactColumn>> = {
  email: 'email',
  first_name: 'firstName',
  last_name: 'lastName',
  company: 'company',
  time_zone: 'timeZone',
  timezone: 'timeZone',
  owner: 'owner',
};

/**
 * Contacts from a CSV file with a header row: email (required), first_name, last_name, company,
 * time_zone, owner; any other column becomes a custom template field.
 */
export async function readContactsCsv(path: string): Promise<PreviewContact[]> {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(await readFile(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new ParleyError(ErrorCodes.CONTACTS_FILE_INVALID, `Can't read contacts from ${path}: ${String(error)}`, { cause: error });
  }
  return rows.map((row, i) => {
    const contact = toContact(Object.entries(row).filter(([, value]) => value !== ''));
    if (!contact.email) throw new ParleyError(ErrorCodes.CONTACTS_FILE_INVALID, `${path}, line ${i + 2}: no email; every row needs one.`);
    return contact;
  });
}

/** Known columns (snake_case or camelCase) become contact fields; the rest custom template fields. */
function toContact(entries: ReadonlyArray<[string, string]>): PreviewContact {
  const contact: PreviewContact = { email: '' };
  const fields: Record<string, string> = {};
  for (const [column, value] of entries) {
    const key = COLUMNS[column.replace(/[A-Z]/g, (c) => `_${c}`).toLowerCase()];
    if (key) contact[key] = value;
    else fields[column] = value;
  }
  return { ...contact, fields };
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
    throw new ParleyError(ErrorCodes.CONTACT_ADDRESS_INVALID, '--contact JSON needs an "email" string, e.g. {"email":"ada@example.com","first_name":"Ada"}');
  }
  return toContact(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
