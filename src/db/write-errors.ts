/** What an unordered bulk write's error carries: one entry per failed document. */
interface BulkWriteErrorLike {
  writeErrors?: Array<{ index: number; code: number }> | { index: number; code: number };
}

function writeErrorList(error: unknown): Array<{ index: number; code: number }> {
  const list = (error as BulkWriteErrorLike | undefined)?.writeErrors;
  if (list === undefined) return [];
  return Array.isArray(list) ? list : [list];
}

/** Indexes of an unordered insertMany's failed documents. */
export function writeErrorIndexes(error: unknown): number[] {
  return writeErrorList(error).map((e) => e.index);
}

/** True for a bulk write whose every failure is a duplicate key (the others went in). */
export function hasOnlyDuplicateKeys(error: unknown): boolean {
  const list = writeErrorList(error);
  return list.length > 0 && list.every((e) => e.code === 11000);
}
