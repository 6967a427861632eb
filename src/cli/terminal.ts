import type { RepDoc } from '../db/index.ts';

/** Without --as, the CLI reads as an operator who sees everything. */
export const CLI_OPERATOR: RepDoc = {
  _id: 'cli',
  name: 'Parley CLI',
  role: 'admin',
  passwordHash: '',
  onDuty: false,
  lead: false,
  createdAt: new Date(0),
};

/**
 * Mail text is written by strangers: control characters (ANSI escapes among them) and bidi
 * overrides are shown as \u escapes so they cannot move the cursor, retitle or recolour the
 * terminal, or reorder what a rep reads. `keepNewlines` for text printed over several lines.
 */
export function terminalSafe(text: string, keepNewlines = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    keepNewlines && c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
