// Deterministic serialisation: apiVersion, kind, metadata first, then the fields in a fixed order; maps
// whose keys are data (labels, annotations, matchLabels, ConfigMap data) sorted. Same input, same bytes.
import { emitYAML } from '../yaml-emit.js';
import { yamlLib } from '../yaml-lib.js';
import type { KubeObject } from './types.js';

const ORDER = [
  'apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'annotations',
  'resource', 'instanceType', 'count', 'labelSelector', 'matchLabels', 'preferredNodes',
  'inference', 'tuning', 'preset', 'presetOptions', 'modelAccessSecret', 'method', 'config', 'template',
  'input', 'output', 'urls', 'image', 'imagePullSecrets', 'imagePushSecret', 'volumeSource', 'persistentVolumeClaim', 'claimName',
  'adapters', 'source', 'strength', 'data',
];
const SORTED_MAPS = new Set(['labels', 'annotations', 'matchLabels', 'data']);
const rank = (k: string) => {
  const i = ORDER.indexOf(k);
  return i < 0 ? ORDER.length : i;
};
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function canonical<T>(value: T, parentKey = ''): T {
  if (Array.isArray(value)) return value.map((v) => canonical(v, parentKey)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value as object);
  keys.sort(SORTED_MAPS.has(parentKey) ? byKey : (a, b) => rank(a) - rank(b) || byKey(a, b));
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = SORTED_MAPS.has(parentKey) ? v : canonical(v, k);
  }
  return out as T;
}

export function objectsToYAML(objects: KubeObject[]): string {
  // core/yaml-emit.ts writes the same bytes for the usual shapes; the library handles anything else
  return objects
    .map((o) => {
      const c = canonical(o);
      return emitYAML(c) ?? yamlLib().stringify(c, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
    })
    .join('---\n');
}

/** A v1 List, as kubectl prints several objects with -o json. */
export function objectsToJSON(objects: KubeObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items: objects.map((o) => canonical(o)) }, null, 2) + '\n';
}

/** File name for --output-dir: <kind>-<name>.yaml */
export function objectFileName(o: KubeObject): string {
  return `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
}
