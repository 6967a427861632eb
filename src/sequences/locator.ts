import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { SequenceProblem } from './types.ts';

export type Path = readonly PropertyKey[];

/** Maps field paths and offsets in one YAML file to 1-based lines and columns. */
export class Locator {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    source: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(source, { lineCounter: this.lines, prettyErrors: false });
  }

  /** A problem at offset; by default where path's node starts, or its nearest existing ancestor (a missing field points at its parent map). */
  problem(path: Path, message: string, offset = this.offsetOf(path)): SequenceProblem {
    return { ...this.position(offset), file: this.file, field: fieldName(path), message };
  }

  position(offset: number): { line: number; column: number } {
    // linePos answers line 0 for offsets before the first newline it has counted.
    const { line, col } = this.lines.linePos(offset);
    return { line: Math.max(line, 1), column: Math.max(col, 1) };
  }

  offsetOf(path: Path): number {
    for (let p = [...path]; p.length > 0; p = p.slice(0, -1)) {
      const node = this.doc.getIn(p, true);
      if (isNode(node) && node.range) return node.range[0];
    }
    return this.doc.contents?.range?.[0] ?? 0;
  }

  /** Where a key inside the map at path is written (an unknown field), else where the map starts. */
  keyOffset(path: Path, key: string): number {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
    return isScalar(pair?.key) && pair.key.range ? pair.key.range[0] : this.offsetOf(path);
  }
}

/** "steps[1].wait" for ['steps', 1, 'wait']. */
export function fieldName(path: Path): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}
