// Field paths -> positions in the file, through the yaml library's node ranges and a LineCounter.
import type { Document, LineCounter, Node as YNode, Scalar } from 'yaml';
import { yamlLib } from '../yaml-lib.js';

export type Seg = string | number;
export interface Span { line: number; column: number; endLine: number; endColumn: number }

/** "tuning.input.urls[0]" or ".tuning.input.urls[0]" -> ['tuning', 'input', 'urls', 0] */
export function parseFieldPath(field: string): Seg[] {
  const out: Seg[] = [];
  for (const part of field.replace(/^\./, '').split('.')) {
    if (!part) continue;
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

export const formatPath = (p: Seg[]): string => p.reduce<string>((s, x) => (typeof x === 'number' ? `${s}[${x}]` : s ? `${s}.${x}` : x), '');

/** The node at `path` (its key node for a map member, so the line shows `field:`), or the deepest ancestor that
 *  exists; `found` says whether the whole path was there. */
export function nodeAt(doc: Document, path: Seg[]): { node: YNode | null; found: boolean } {
  const { isMap, isSeq, isScalar } = yamlLib();
  let cur: unknown = doc.contents;
  let best: YNode | null = (doc.contents as YNode | null) ?? null;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => (isScalar(p.key) ? String((p.key as Scalar).value) : String(p.key)) === String(seg));
      if (!pair) return { node: best, found: false };
      best = (pair.key as YNode) ?? best;
      cur = pair.value;
    } else if (isSeq(cur) && typeof seg === 'number' && seg < cur.items.length) {
      cur = cur.items[seg];
      best = (cur as YNode) ?? best;
    } else return { node: best, found: false };
  }
  return { node: best, found: true };
}

export function spanOf(node: YNode | null | undefined, lc: LineCounter, fallbackOffset = 0): Span {
  const [start, end] = node?.range ? [node.range[0], node.range[1]] : [fallbackOffset, fallbackOffset];
  const a = lc.linePos(start);
  const b = lc.linePos(Math.max(start, end));
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

/** Where the text of a block scalar (`key: |`) starts: its first content line and the column of its indentation, so
 *  positions inside the embedded document (training_config.yaml) map back to the file. null for other scalars. */
export function blockScalarOrigin(node: YNode, source: string, lc: LineCounter): { line: number; column: number } | null {
  const s = node as Scalar;
  if (!node.range || (s.type !== 'BLOCK_LITERAL' && s.type !== 'BLOCK_FOLDED')) return null;
  const header = lc.linePos(node.range[0]).line;
  const lines = source.split('\n');
  for (let i = header; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '') continue;
    return { line: header + 1, column: l.length - l.trimStart().length + 1 };
  }
  return null;
}
