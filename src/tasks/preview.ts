import type { ContactDoc, TaskPreview } from '../db/index.ts';

/** Characters of the reply an inbox row shows: about two lines on a laptop, four on a phone. */
export const SNIPPET_LENGTH = 160;

/**
 * What a task's inbox row shows, taken once when the task is queued: the contact's name and
 * company (or the name the sender gave), and the start of the reply's own words on one line.
 */
export function taskPreview(input: {
  contact?: Pick<ContactDoc, 'firstName' | 'lastName' | 'company'> | null | undefined;
  fromName?: string | undefined;
  text: string;
}): TaskPreview {
  const contactName = [input.contact?.firstName, input.contact?.lastName].filter(Boolean).join(' ').trim();
  const name = contactName || input.fromName?.trim() || undefined;
  const company = input.contact?.company?.trim() || undefined;
  return { ...(name && { name: name.slice(0, 120) }), ...(company && { company: company.slice(0, 120) }), snippet: snippetOf(input.text) };
}

/** The text on one line, cut at a word near SNIPPET_LENGTH with an ellipsis. */
export function snippetOf(text: string, length = SNIPPET_LENGTH): string {
  // Bounded before the regex: a reply may be megabytes of one line.
  const line = text
    .slice(0, length * 4)
    .replace(/\s+/g, ' ')
    .trim();
  if (line.length <= length) return line;
  const cut = line.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${(space > length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
