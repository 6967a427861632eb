import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

const TABLE = new URL('../docs/BENCHMARKS.md', import.meta.url);
const HEADER = `# Benchmarks

Written by \`npm run bench\`; newest first. Each figure has a baseline measured in the same run,
so the ratio means something on a noisy machine even when the absolute number does not.

| date | machine | benchmark | measure | Parley | baseline | ratio | notes |
|---|---|---|---|---|---|---|---|
`;

export interface BenchRow {
  benchmark: string;
  measure: string;
  parley: string;
  baseline: string;
  ratio: string;
  notes: string;
}

/** The database a run measured, named in every row. */
export function databaseServed(): string {
  return process.env.MONGODB_URL
    ? 'MongoDB (MONGODB_URL)'
    : "FerretDB v1.24.2 embedded on SQLite (WAL, synchronous=NORMAL) with Parley's patch (_id and indexed fields pushed down to SQLite indexes; tools/ferretdb/patch)";
}

export function machine(): string {
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${cpus().length}× ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Puts the rows at the top of the table in docs/BENCHMARKS.md (newest first), keeping older runs. */
export async function recordResults(rows: readonly BenchRow[]): Promise<void> {
  const existing = existsSync(TABLE) ? await readFile(TABLE, 'utf8') : HEADER;
  const [head = HEADER, ...older] = existing.split(/(?<=\|---\|---\|---\|---\|---\|---\|---\|---\|\n)/);
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const lines = rows.map(
    (r) => `| ${date} | ${machine()} | ${r.benchmark} | ${r.measure} | ${r.parley} | ${r.baseline} | ${r.ratio} | ${r.notes} |\n`,
  );
  await writeFile(TABLE, head + lines.join('') + older.join(''));
}
