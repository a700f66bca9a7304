// Label selectors (equality and set-based, as `kubectl get -l` sends them) and field selectors
// (metadata.name, metadata.namespace and any dotted field path with =, ==, !=).
import type { KObject } from '../store.js';
import { badRequest } from './status.js';

type Pred = (o: KObject) => boolean;

/** Splits on commas that are not inside parentheses: "a in (x,y),b" -> ["a in (x,y)", "b"]. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter(Boolean);
}

const SET_RE = /^([A-Za-z0-9./_-]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQ_RE = /^([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/;
const EXISTS_RE = /^(!?)([A-Za-z0-9./_-]+)$/;

export function parseLabelSelector(sel: string | null | undefined): Pred {
  if (!sel) return () => true;
  const preds: Pred[] = [];
  for (const term of splitTerms(sel)) {
    let m: RegExpExecArray | null;
    const labels = (o: KObject) => o.metadata.labels ?? {};
    if ((m = SET_RE.exec(term))) {
      const [, key, op, vals] = m;
      const set = new Set(vals.split(',').map((v) => v.trim()));
      preds.push(op === 'in' ? (o) => key in labels(o) && set.has(labels(o)[key]) : (o) => !(key in labels(o)) || !set.has(labels(o)[key]));
    } else if ((m = EQ_RE.exec(term))) {
      const [, key, op, val] = m;
      preds.push(op === '!=' ? (o) => labels(o)[key] !== val : (o) => labels(o)[key] === val);
    } else if ((m = EXISTS_RE.exec(term))) {
      const [, not, key] = m;
      preds.push(not ? (o) => !(key in labels(o)) : (o) => key in labels(o));
    } else {
      throw badRequest(`unable to parse requirement: invalid label selector "${sel}"`);
    }
  }
  return (o) => preds.every((p) => p(o));
}

export function fieldValue(o: unknown, path: string): string {
  let cur: unknown = o;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function parseFieldSelector(sel: string | null | undefined): Pred {
  if (!sel) return () => true;
  const preds: Pred[] = [];
  for (const term of splitTerms(sel)) {
    const m = /^([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${sel}'; can't understand '${term}'`);
    const [, path, op, val] = m;
    preds.push(op === '!=' ? (o) => fieldValue(o, path) !== val : (o) => fieldValue(o, path) === val);
  }
  return (o) => preds.every((p) => p(o));
}

/** Does a Service's (or StatefulSet's matchLabels) selector match these labels? Empty selects nothing. */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
