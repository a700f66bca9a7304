// The three classic patch types: JSON merge patch (RFC 7386), strategic merge patch (merge patch plus
// the list-merge-by-key and directives kubectl sends for built-in types), JSON patch (RFC 6902).
import { ApiError, badRequest } from './status.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Keys lists of objects merge on, as the built-in types declare them (containers by name, conditions by type...). */
const MERGE_KEYS = ['name', 'type', 'containerPort', 'port', 'mountPath', 'devicePath', 'ip', 'key'];

function mergeKeyOf(items: Json[]): string | undefined {
  if (!items.length || !items.every(isObj)) return undefined;
  return MERGE_KEYS.find((k) => (items as Obj[]).every((i) => k in i));
}

export function strategicMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((v as Json[]).map((x) => JSON.stringify(x)));
      if (Array.isArray(out[field])) out[field] = (out[field] as Json[]).filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v) && Array.isArray(cur)) {
      const key = mergeKeyOf([...cur, ...v]);
      if (key && cur.every(isObj)) {
        const merged = [...(cur as Obj[])];
        for (const item of v as Obj[]) {
          const idx = merged.findIndex((m) => m[key] === item[key]);
          if (item.$patch === 'delete') {
            if (idx >= 0) merged.splice(idx, 1);
          } else if (idx >= 0) merged[idx] = strategicMergePatch(merged[idx], item) as Obj;
          else merged.push(structuredClone(item));
        }
        out[k] = merged;
        continue;
      }
    }
    out[k] = isObj(v) ? strategicMergePatch(cur, v) : structuredClone(v);
  }
  return out;
}

// --- JSON patch ---------------------------------------------------------------------------------

interface Op { op: string; path: string; value?: Json; from?: string }

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json patch: invalid path "${path}"`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, segs: string[], path: string): { parent: Obj | Json[]; last: string } {
  let cur: Json = doc;
  for (const s of segs.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (isObj(cur)) cur = cur[s];
    else cur = undefined as unknown as Json;
    if (cur === undefined || cur === null || typeof cur !== 'object') throw badRequest(`json patch: path "${path}" does not exist`);
  }
  return { parent: cur as Obj | Json[], last: segs[segs.length - 1] };
}

function getAt(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const s of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (isObj(cur)) cur = cur[s];
    else throw badRequest(`json patch: path "${path}" does not exist`);
    if (cur === undefined) throw badRequest(`json patch: path "${path}" does not exist`);
  }
  return cur;
}

function add(doc: Json, path: string, value: Json): Json {
  const segs = pointer(path);
  if (!segs.length) return value;
  const { parent, last } = parentOf(doc, segs, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw badRequest(`json patch: index out of range in "${path}"`);
    parent.splice(i, 0, value);
  } else parent[last] = value;
  return doc;
}

function remove(doc: Json, path: string): Json {
  const segs = pointer(path);
  const { parent, last } = parentOf(doc, segs, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!(i >= 0 && i < parent.length)) throw badRequest(`json patch: index out of range in "${path}"`);
    parent.splice(i, 1);
  } else {
    if (!(last in parent)) throw badRequest(`json patch: unable to remove nonexistent key "${last}" in "${path}"`);
    delete parent[last];
  }
  return doc;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw badRequest('json patch: the body must be a JSON array of operations');
  let doc = structuredClone(target);
  for (const o of ops as Op[]) {
    switch (o.op) {
      case 'add': doc = add(doc, o.path, structuredClone(o.value as Json)); break;
      case 'remove': doc = remove(doc, o.path); break;
      case 'replace': getAt(doc, o.path); doc = add(remove(doc, o.path), o.path, structuredClone(o.value as Json)); break;
      case 'move': { const v = getAt(doc, o.from ?? ''); doc = add(remove(doc, o.from ?? ''), o.path, v); break; }
      case 'copy': doc = add(doc, o.path, structuredClone(getAt(doc, o.from ?? ''))); break;
      case 'test':
        if (JSON.stringify(getAt(doc, o.path)) !== JSON.stringify(o.value)) throw new ApiError(422, 'Invalid', `json patch: test failed at "${o.path}"`);
        break;
      default: throw badRequest(`json patch: unknown operation "${o.op}"`);
    }
  }
  return doc;
}
