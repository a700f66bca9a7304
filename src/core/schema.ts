// A structural schema of the objects the CLI renders, written from the documented Workspace shape
// (KAITO.md §1), not copied from Kaito's CRD. The API server silently prunes unknown fields, so a typo
// would be lost without an error: every rendered object is checked against this before it is printed.
// The sandbox may reuse `schemaProblems` to emulate pruning.

export type Schema =
  | { type: 'string'; enum?: string[] }
  | { type: 'integer' | 'number' | 'boolean' }
  | { type: 'array'; items: Schema; maxItems?: number }
  /** fixed properties; `additional` turns it into a map of that schema */
  | { type: 'object'; properties?: Record<string, Schema>; additional?: Schema; required?: string[] }
  /** an embedded Kubernetes type the CLI does not render field by field (PodTemplateSpec) */
  | { type: 'any-object' };

const str: Schema = { type: 'string' };
const strMap: Schema = { type: 'object', additional: str };
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, required });
const localRefs: Schema = { type: 'array', items: str };
const anyObj: Schema = { type: 'any-object' };

const metadata = obj(
  { name: str, namespace: str, labels: strMap, annotations: strMap, generateName: str, resourceVersion: str, uid: str, generation: { type: 'integer' }, creationTimestamp: str, finalizers: localRefs, deletionTimestamp: str, ownerReferences: { type: 'array', items: anyObj }, managedFields: { type: 'array', items: anyObj } },
  ['name'],
);

const volumeSource = obj({
  persistentVolumeClaim: obj({ claimName: str, readOnly: { type: 'boolean' } }, ['claimName']),
  emptyDir: anyObj,
  hostPath: anyObj,
  azureFile: anyObj,
  azureDisk: anyObj,
  csi: anyObj,
  nfs: anyObj,
  configMap: anyObj,
  secret: anyObj,
  ephemeral: anyObj,
});

const presetSpec = obj({ name: str, presetOptions: obj({ modelAccessSecret: str }) }, ['name']);

export const WORKSPACE_SCHEMA: Schema = obj(
  {
    apiVersion: { type: 'string', enum: ['kaito.sh/v1beta1', 'kaito.sh/v1alpha1'] },
    kind: { type: 'string', enum: ['Workspace'] },
    metadata,
    resource: obj(
      {
        instanceType: str,
        count: { type: 'integer' },
        labelSelector: obj({ matchLabels: strMap, matchExpressions: { type: 'array', items: obj({ key: str, operator: str, values: localRefs }, ['key', 'operator']) } }),
        preferredNodes: localRefs,
      },
      ['labelSelector'],
    ),
    inference: obj({
      preset: presetSpec,
      template: anyObj,
      config: str,
      adapters: {
        type: 'array',
        maxItems: 10,
        items: obj({ source: obj({ name: str, image: str, imagePullSecrets: localRefs }, ['name']), strength: str }, ['source']),
      },
    }),
    tuning: obj(
      {
        preset: presetSpec,
        method: { type: 'string', enum: ['lora', 'qlora'] },
        config: str,
        input: obj({ urls: localRefs, image: str, imagePullSecrets: localRefs, volumeSource }),
        output: obj({ image: str, imagePushSecret: str, volumeSource }),
      },
      ['method', 'input', 'output'],
    ),
    status: anyObj,
  },
  ['apiVersion', 'kind', 'metadata', 'resource'],
);

export const CONFIGMAP_SCHEMA: Schema = obj(
  { apiVersion: { type: 'string', enum: ['v1'] }, kind: { type: 'string', enum: ['ConfigMap'] }, metadata, data: strMap, binaryData: strMap, immutable: { type: 'boolean' } },
  ['apiVersion', 'kind', 'metadata'],
);

/** Type errors, missing required fields and unknown (would-be-pruned) fields, one line each with its path. */
export function schemaProblems(value: unknown, schema: Schema, path = ''): string[] {
  const at = path || '(root)';
  const out: string[] = [];
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') out.push(`${at}: must be a string`);
      else if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: must be one of ${schema.enum.join(', ')}`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) out.push(`${at}: must be an integer`);
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) out.push(`${at}: must be a number`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${at}: must be true or false`);
      break;
    case 'array':
      if (!Array.isArray(value)) out.push(`${at}: must be a list`);
      else {
        if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${at}: at most ${schema.maxItems} items`);
        value.forEach((v, i) => out.push(...schemaProblems(v, schema.items, `${path}[${i}]`)));
      }
      break;
    case 'any-object':
      if (!isPlainObject(value)) out.push(`${at}: must be an object`);
      break;
    case 'object': {
      if (!isPlainObject(value)) {
        out.push(`${at}: must be an object`);
        break;
      }
      for (const r of schema.required ?? []) if (value[r] === undefined) out.push(`${path ? path + '.' : ''}${r}: required`);
      for (const [k, v] of Object.entries(value)) {
        const sub = schema.properties?.[k] ?? schema.additional;
        const p = path ? `${path}.${k}` : k;
        if (!sub) out.push(`${p}: unknown field (the API server would drop it)`);
        else out.push(...schemaProblems(v, sub, p));
      }
    }
  }
  return out;
}

export function objectSchemaProblems(o: { kind?: unknown }): string[] {
  if (o.kind === 'Workspace') return schemaProblems(o, WORKSPACE_SCHEMA);
  if (o.kind === 'ConfigMap') return schemaProblems(o, CONFIGMAP_SCHEMA);
  return [`kind ${String(o.kind)}: no schema`];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
