// Structural OpenAPI v3 schemas of the Kaito objects, written from KAITO.md §1: they go into the
// CustomResourceDefinitions the sandbox installs and drive pruning of unknown fields, as the real API
// server prunes custom resources (a misspelt field silently disappears).
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  required?: string[];
  enum?: string[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const obj = (properties: Record<string, Schema>, extra: Partial<Schema> = {}): Schema => ({ type: 'object', properties, ...extra });
const open = (description: string): Schema => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
const strMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const strList: Schema = { type: 'array', items: { type: 'string' } };

const labelSelector = obj({
  matchLabels: strMap,
  matchExpressions: { type: 'array', items: obj({ key: str(), operator: str(), values: strList }, { required: ['key', 'operator'] }) },
});

const presetSpec = obj({
  name: str('name of a supported model preset'),
  accessMode: { type: 'string', enum: ['public', 'private'], description: 'deprecated in v1beta1 (v0.12 api/v1beta1/workspace_types.go PresetMeta)' },
  presetOptions: obj({ modelAccessSecret: str('Secret with key HF_TOKEN for gated models'), image: str(), imagePullSecrets: strList }),
});

const condition: Schema = obj(
  { type: str(), status: str(), reason: str(), message: str(), lastTransitionTime: str(), observedGeneration: { type: 'integer' } },
  { required: ['type', 'status'] },
);

export const workspaceSchema: Schema = obj({
  apiVersion: str(),
  kind: str(),
  metadata: { type: 'object' },
  resource: obj({
    instanceType: str('GPU VM size; required when Kaito provisions nodes, empty in BYO mode'),
    count: { type: 'integer', description: 'deprecated; number of nodes' },
    labelSelector,
    preferredNodes: strList,
    // v0.12 only (api/v1beta1/workspace_types.go PartitionSpec); `kaito lint` reports it as pruned for older releases
    partition: obj({ mode: { type: 'string', enum: ['mig', 'accelerator'] }, profile: str(), count: { type: 'integer' } }),
  }, { required: ['labelSelector'] }),
  inference: obj({
    preset: presetSpec,
    template: open('a PodTemplateSpec for custom models'),
    config: str('ConfigMap holding inference_config.yaml'),
    adapters: {
      type: 'array',
      items: obj({
        source: obj({ name: str(), image: str(), imagePullSecrets: strList, urls: strList, volumeSource: open('a VolumeSource') }),
        strength: str(),
      }),
    },
  }),
  tuning: obj({
    preset: presetSpec,
    method: { type: 'string', enum: ['lora', 'qlora'] },
    config: str('ConfigMap holding training_config.yaml'),
    input: obj({ name: str(), urls: strList, image: str(), imagePullSecrets: strList, volumeSource: open('a VolumeSource') }),
    output: obj({ image: str(), imagePushSecret: str(), volumeSource: open('a VolumeSource') }),
  }),
  status: obj({
    workerNodes: strList,
    targetNodeCount: { type: 'integer' },
    state: str(),
    conditions: { type: 'array', items: condition },
    perReplicaNodeCount: { type: 'integer' },
    inferenceStatus: open('inference details'),
  }),
});

export const nodeClaimSchema: Schema = obj({
  apiVersion: str(),
  kind: str(),
  metadata: { type: 'object' },
  spec: open('NodeClaim spec'),
  status: open('NodeClaim status'),
});

/**
 * Drops fields the schema does not know (in place) and returns their paths, e.g. ".tuning.inputs".
 * metadata is the API server's business, not the schema's.
 */
export function prune(value: unknown, schema: Schema, path = ''): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return [];
  const dropped: string[] = [];
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => dropped.push(...prune(v, schema.items!, `${path}[${i}]`)));
    return dropped;
  }
  const o = value as Record<string, unknown>;
  if (schema.properties) {
    for (const k of Object.keys(o)) {
      if (path === '' && k === 'metadata') continue;
      const s = schema.properties[k];
      if (!s) {
        dropped.push(`${path}.${k}`);
        delete o[k];
      } else dropped.push(...prune(o[k], s, `${path}.${k}`));
    }
  } else if (schema.additionalProperties) {
    for (const k of Object.keys(o)) dropped.push(...prune(o[k], schema.additionalProperties, `${path}.${k}`));
  }
  return dropped;
}

/**
 * The API server's structural type check of a custom resource against its schema (after pruning): wrong types and
 * values outside an enum, with their paths (".tuning.method"). Nulls count as absent (the API server prunes them in
 * non-nullable fields); preserve-unknown-fields subtrees are not checked. `kaito lint` reports these.
 */
export function typeProblems(value: unknown, schema: Schema, path = ''): Array<{ path: string; message: string }> {
  if (value === null || value === undefined || schema['x-kubernetes-preserve-unknown-fields'] || schema['x-kubernetes-int-or-string']) return [];
  const out: Array<{ path: string; message: string }> = [];
  const got = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  const bad = (want: string) => out.push({ path, message: `must be of type ${want}, got ${got === 'object' ? 'a map' : got === 'array' ? 'a list' : `${got} ${JSON.stringify(value)}`}` });
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') bad('string');
      else if (schema.enum && !schema.enum.includes(value)) out.push({ path, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` });
      break;
    case 'integer':
      if (!Number.isInteger(value)) bad('integer');
      break;
    case 'number':
      if (typeof value !== 'number') bad('number');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') bad('boolean');
      break;
    case 'array':
      if (!Array.isArray(value)) bad('array');
      else if (schema.items) value.forEach((v, i) => out.push(...typeProblems(v, schema.items!, `${path}[${i}]`)));
      break;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        bad('object');
        break;
      }
      const o = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(o)) {
        if (path === '' && k === 'metadata') continue;
        const s = schema.properties?.[k] ?? schema.additionalProperties;
        if (s) out.push(...typeProblems(v, s, `${path}.${k}`));
      }
    }
  }
  return out;
}
