// The fast path for the column shapes Kaito's trainer reads: string columns (prompt, completion) and the
// standard three-level list of string structs (messages: LIST > list REPEATED > element{role, content}).
// hyparquet's row API builds every record of a row group at once (struct inversion) and decodes every
// string up front, so a whole row group of objects and strings outlives several young-generation GCs:
// that cost more than the checks. Here hyparquet only decodes pages into per-leaf nested arrays, strings
// stay bytes, and each record is built and decoded just before it is checked, so it dies young.
// The records built here are the same values hyparquet's parquetReadObjects returns for these shapes (a
// unit test compares both on files with nulls at every level); any other shape uses the row API.
import type { SchemaTree } from 'hyparquet';

interface LeafField {
  kind: 'leaf';
  name: string;
  leaf: string;
}

interface ListOfStructField {
  kind: 'list-of-struct';
  name: string;
  /** the list itself may be null (one more level of nesting in the leaf data) */
  optional: boolean;
  /** list items may be null */
  elementOptional: boolean;
  /** struct field names and their leaf paths, in schema order */
  keys: string[];
  leaves: string[];
}

export type FieldPlan = LeafField | ListOfStructField;

/** A BYTE_ARRAY leaf that hyparquet turns into a string (through parsers.stringFromBytes). */
function isStringLeaf(node: SchemaTree): boolean {
  const e = node.element;
  return (
    node.children.length === 0 &&
    e.type === 'BYTE_ARRAY' &&
    e.repetition_type !== 'REPEATED' &&
    (e.converted_type === undefined || e.converted_type === 'UTF8') &&
    (e.logical_type === undefined || e.logical_type.type === 'STRING')
  );
}

const leafPath = (node: SchemaTree) => node.path.join('.');

/** One plan per wanted top-level column, or null when any of them has a shape the fast path does not know. */
export function planColumns(schema: SchemaTree, wanted: string[]): FieldPlan[] | null {
  const plans: FieldPlan[] = [];
  for (const name of wanted) {
    const node = schema.children.find((c) => c.element.name === name);
    if (!node) return null;
    if (isStringLeaf(node)) {
      plans.push({ kind: 'leaf', name, leaf: leafPath(node) });
      continue;
    }
    const e = node.element;
    if (e.converted_type !== 'LIST' || e.repetition_type === 'REPEATED' || node.children.length !== 1) return null;
    const list = node.children[0];
    if (list.element.repetition_type !== 'REPEATED' || list.children.length !== 1) return null;
    const item = list.children[0];
    const ie = item.element;
    if (ie.repetition_type === 'REPEATED' || ie.converted_type !== undefined || ie.logical_type !== undefined) return null;
    if (item.children.length === 0 || !item.children.every(isStringLeaf)) return null;
    plans.push({
      kind: 'list-of-struct',
      name,
      optional: e.repetition_type === 'OPTIONAL',
      elementOptional: ie.repetition_type === 'OPTIONAL',
      keys: item.children.map((c) => c.element.name),
      leaves: item.children.map(leafPath),
    });
  }
  return plans;
}

/** Every leaf column the plans read. */
export function leavesOf(plans: FieldPlan[]): string[] {
  return plans.flatMap((p) => (p.kind === 'leaf' ? [p.leaf] : p.leaves));
}

// hyparquet's own default decoder is a plain TextDecoder too: invalid bytes become U+FFFD the same way
const decoder = new TextDecoder();

function str(v: unknown): unknown {
  return v instanceof Uint8Array ? decoder.decode(v) : v;
}

function structError(): never {
  throw new Error('parquet struct parsing error: its fields have different lengths');
}

/**
 * Builds the records of one row group. `data` maps a leaf path to that leaf's per-row nested arrays for
 * the whole row group (strings still as bytes); the result builds record r of the group.
 */
export function rowBuilder(plans: FieldPlan[], data: Map<string, ArrayLike<unknown>>): (r: number) => Record<string, unknown> {
  const columns = plans.map((p) => (p.kind === 'leaf' ? [data.get(p.leaf)!] : p.leaves.map((l) => data.get(l)!)));
  return (r) => {
    const record: Record<string, unknown> = {};
    for (let f = 0; f < plans.length; f++) {
      const p = plans[f];
      record[p.name] = p.kind === 'leaf' ? str(columns[f][0][r]) : listOfStruct(p, columns[f], r);
      // drop the row's decoded pages as soon as its record exists, so they need not wait for the whole group
      for (const c of columns[f]) if (Array.isArray(c)) c[r] = undefined;
    }
    return record;
  };
}

function listOfStruct(p: ListOfStructField, cols: ArrayLike<unknown>[], r: number): unknown {
  const k = cols.length;
  const lists = new Array<unknown[]>(k);
  for (let j = 0; j < k; j++) lists[j] = cols[j][r] as unknown[];
  if (p.optional) {
    // a null list is an empty wrapper; a present one (even empty) is wrapped once
    const n = lists[0].length;
    for (let j = 0; j < k; j++) if (lists[j].length !== n) structError();
    if (n === 0) return null;
    for (let j = 0; j < k; j++) lists[j] = lists[j][0] as unknown[];
  }
  const n = lists[0].length;
  for (let j = 1; j < k; j++) if (lists[j].length !== n) structError();
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const obj: Record<string, unknown> = {};
    if (p.elementOptional) {
      // a null item is an empty wrapper, a present one holds its field value (which may itself be null)
      const w = (lists[0][i] as unknown[]).length;
      for (let j = 1; j < k; j++) if ((lists[j][i] as unknown[]).length !== w) structError();
      if (w === 0) {
        out[i] = null;
        continue;
      }
      for (let j = 0; j < k; j++) obj[p.keys[j]] = str((lists[j][i] as unknown[])[0]);
    } else {
      for (let j = 0; j < k; j++) obj[p.keys[j]] = str(lists[j][i]);
    }
    out[i] = obj;
  }
  return out;
}
