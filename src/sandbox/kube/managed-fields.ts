// managedFields: which field manager owns which fields. Server-side apply (Apply) reports conflicts
// between managers and removes fields an applier stops sending; every other write (Update) takes
// ownership of what it changed. Lists are owned atomically (no per-item keys): enough for what
// kubectl, client-node and the CLI send, and it keeps conflict messages exact for scalar fields.
import type { KObject } from '../store.js';
import { ApiError } from './status.js';

type Obj = Record<string, unknown>;
type Path = string[];

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const SKIP_TOP = new Set(['apiVersion', 'kind']);
const META_OWNED = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences']);

/** Leaf paths an object sets (maps are walked, lists and scalars are leaves; an empty map claims nothing). */
export function leafPaths(o: Obj): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, p: Path) => {
    if (isObj(v)) for (const [k, c] of Object.entries(v)) walk(c, [...p, k]);
    else out.push(p);
  };
  for (const [k, v] of Object.entries(o)) {
    if (SKIP_TOP.has(k)) continue;
    if (k === 'metadata') {
      if (isObj(v)) for (const mk of Object.keys(v)) if (META_OWNED.has(mk)) walk(v[mk], ['metadata', mk]);
      continue;
    }
    walk(v, [k]);
  }
  return out;
}

const key = (p: Path) => JSON.stringify(p);

export function toFieldsV1(paths: Path[]): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let cur = root;
    for (const seg of p) {
      const k = `f:${seg}`;
      if (!isObj(cur[k])) cur[k] = {};
      cur = cur[k] as Obj;
    }
  }
  return root;
}

export function fromFieldsV1(f: Obj | undefined): Path[] {
  const out: Path[] = [];
  const walk = (o: Obj, p: Path) => {
    const keys = Object.keys(o).filter((k) => k.startsWith('f:'));
    if (!keys.length) out.push(p);
    for (const k of keys) walk(o[k] as Obj, [...p, k.slice(2)]);
  };
  if (f) for (const k of Object.keys(f).filter((k) => k.startsWith('f:'))) walk(f[k] as Obj, [k.slice(2)]);
  return out;
}

export function getAt(o: unknown, p: Path): unknown {
  let cur = o;
  for (const s of p) {
    if (!isObj(cur)) return undefined;
    cur = cur[s];
  }
  return cur;
}

function deleteAt(o: Obj, p: Path): void {
  const parents: Obj[] = [];
  let cur: unknown = o;
  for (const s of p.slice(0, -1)) {
    if (!isObj(cur)) return;
    parents.push(cur);
    cur = cur[s];
  }
  if (isObj(cur)) delete cur[p[p.length - 1]];
  // drop maps the removal left empty (but never metadata itself)
  for (let i = p.length - 2; i >= 1; i--) {
    const parent = parents[i];
    const child = parent?.[p[i]];
    if (isObj(child) && !Object.keys(child).length) delete parent[p[i]];
    else break;
  }
}

function mergeInto(target: Obj, applied: Obj): Obj {
  const out: Obj = { ...target };
  for (const [k, v] of Object.entries(applied)) out[k] = isObj(v) && isObj(out[k]) ? mergeInto(out[k] as Obj, v) : structuredClone(v);
  return out;
}

const overlaps = (a: Path, b: Path) => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function entries(o: KObject | undefined): ManagedFieldsEntry[] {
  return ((o?.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? []).map((e) => structuredClone(e));
}

/** Server-side apply of `applied` onto `current` (undefined: create). Throws 409 on conflicts unless force. */
export function serverSideApply(current: KObject | undefined, applied: KObject, manager: string, force: boolean, apiVersion: string, subresource?: string): KObject {
  const mine = leafPaths(applied as Obj);
  const managers = entries(current);
  const conflicts: Array<{ manager: string; path: Path }> = [];
  if (current) {
    for (const m of managers) {
      if (m.manager === manager && m.operation === 'Apply') continue;
      if ((m.subresource ?? '') !== (subresource ?? '')) continue;
      for (const owned of fromFieldsV1(m.fieldsV1)) {
        for (const p of mine) {
          if (!overlaps(owned, p)) continue;
          const at = owned.length >= p.length ? owned : p;
          if (JSON.stringify(getAt(current, at)) !== JSON.stringify(getAt(applied, at))) conflicts.push({ manager: m.manager, path: at });
        }
      }
    }
  }
  if (conflicts.length && !force) {
    const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"`, field: '.' + c.path.join('.') }));
    const lines = conflicts.map((c) => `conflict with "${c.manager}": .${c.path.join('.')}`);
    throw new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${lines.join('\n')}`, { causes });
  }
  let next: Obj = current ? structuredClone(current) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  // fields this manager applied before and no longer sends, owned by nobody else: removed
  const prev = managers.find((m) => m.manager === manager && m.operation === 'Apply' && (m.subresource ?? '') === (subresource ?? ''));
  const mineKeys = new Set(mine.map(key));
  const othersOwn = (p: Path) =>
    managers.some((m) => m !== prev && (m.subresource ?? '') === (subresource ?? '') && fromFieldsV1(m.fieldsV1).some((o) => overlaps(o, p) && o.length >= p.length));
  if (prev) for (const p of fromFieldsV1(prev.fieldsV1)) if (!mineKeys.has(key(p)) && !othersOwn(p)) deleteAt(next, p);
  const { metadata: am, apiVersion: _a, kind: _k, ...rest } = applied as Obj;
  next = mergeInto(next, rest);
  const meta = next.metadata as Obj;
  if (isObj(am)) for (const mk of META_OWNED) if (am[mk] !== undefined) meta[mk] = isObj(am[mk]) && isObj(meta[mk]) ? mergeInto(meta[mk] as Obj, am[mk] as Obj) : structuredClone(am[mk]);
  if (!current && isObj(am)) for (const mk of ['name', 'namespace', 'generateName']) if (am[mk] !== undefined) meta[mk] = am[mk];
  // ownership: forced fields leave their old managers
  const stolen = new Set(conflicts.map((c) => key(c.path)));
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers) {
    if (m === prev) continue;
    const keep = fromFieldsV1(m.fieldsV1).filter((p) => !stolen.has(key(p)) && !(force && mine.some((q) => overlaps(p, q))));
    if (keep.length) out.push({ ...m, fieldsV1: toFieldsV1(keep) });
  }
  out.push(entry(manager, 'Apply', apiVersion, mine, subresource));
  meta.managedFields = out;
  return next as KObject;
}

function entry(manager: string, operation: 'Apply' | 'Update', apiVersion: string, paths: Path[], subresource?: string): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = { manager, operation, apiVersion, time: nowIso(), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(paths) };
  if (subresource) e.subresource = subresource;
  return e;
}

/** A non-apply write: `manager` takes ownership of every field it changed; other managers lose those. */
export function recordUpdate(before: KObject | undefined, after: KObject, manager: string, apiVersion: string, subresource?: string): void {
  const changed = leafPaths(after as Obj).filter((p) => !before || JSON.stringify(getAt(before, p)) !== JSON.stringify(getAt(after, p)));
  const managers = entries(before);
  if (!changed.length && before) {
    after.metadata.managedFields = managers;
    return;
  }
  const out: ManagedFieldsEntry[] = [];
  let own = changed;
  for (const m of managers) {
    if (m.manager === manager && m.operation === 'Update' && (m.subresource ?? '') === (subresource ?? '')) {
      own = [...new Map([...fromFieldsV1(m.fieldsV1), ...changed].map((p) => [key(p), p])).values()].filter((p) => getAt(after, p) !== undefined);
      continue;
    }
    const keep = fromFieldsV1(m.fieldsV1).filter((p) => !changed.some((q) => overlaps(p, q)));
    if (keep.length) out.push({ ...m, fieldsV1: toFieldsV1(keep) });
  }
  if (own.length) out.push(entry(manager, 'Update', apiVersion, own, subresource));
  after.metadata.managedFields = out;
}

/** The manager name the API server derives from a user agent when fieldManager is not given. */
export function managerFromUserAgent(ua: string | undefined): string {
  const first = (ua ?? 'unknown').split('/')[0].trim();
  return first || 'unknown';
}

