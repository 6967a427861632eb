import { fieldName, type Locator, type Path } from './locator.ts';
import type { Sequence } from './types.ts';

/**
 * Where each parsed sequence's fields are in its file, for lint findings. A side table rather
 * than a field on Sequence: the contract stays plain data, and the YAML tree is freed with the
 * sequence.
 */
const locators = new WeakMap<Sequence, Locator>();

export function rememberPositions(sequence: Sequence, locator: Locator): void {
  locators.set(sequence, locator);
}

export interface FieldPosition {
  file: string;
  line: number;
  column: number;
  field: string;
}

/**
 * The position of the field at path in the sequence's file (or of its nearest ancestor written in
 * the file, for a field left to its default). 1:1 for a sequence built in code.
 */
export function positionOf(sequence: Sequence, path: Path): FieldPosition {
  const locator = locators.get(sequence);
  const at = locator ? locator.position(locator.offsetOf(path)) : { line: 1, column: 1 };
  return { file: sequence.file, ...at, field: fieldName(path) };
}
