// Kaito's validating webhook rules (KAITO.md §1), applied on create and update of Workspaces, plus the
// API server's own object-name checks. Every violation is reported at once as a cause with its field path.
// Pure (no store, no I/O): the sandbox's API server runs it as the webhook (src/sandbox/kube/admission.ts
// re-exports it) and `kaito lint` runs it on files, so both agree on what Kaito rejects (issue 18).
import { parseIPv4, parseIPv6 } from './ip.js';
import { posix } from 'node:path';
import { yamlLib } from './yaml-lib.js';
import { RESERVED_LABEL_KEYS } from './names.js';
import type { KaitoRelease } from './presets.js';

export type KaitoVersion = KaitoRelease;
export type NodeProvisioning = 'nap' | 'byo';
/** A webhook/API-server rejection reason (the shape of a Kubernetes StatusCause). */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}
/** The object fields the rules read. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } & Record<string, unknown>;
  [field: string]: unknown;
}

/** true when `v` is `min` or newer (0.6 < 0.10 < 0.11 < 0.12). */
export function versionAtLeast(v: KaitoVersion, min: KaitoVersion): boolean {
  const n = (x: string) => Number(x.split('.')[1]);
  return n(v) >= n(min);
}

/** The 8 label keys Kaito drops from matchLabels (v0.11+ API labels.go reservedSelectorLabelKeys; compat N22, R3). */
const RESERVED_SELECTOR_KEYS: ReadonlySet<string> = new Set(RESERVED_LABEL_KEYS);

type Obj = Record<string, any>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', field, message: 'Required value' });
const bad = (field: string, message: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message });
const forbidden = (field: string, message: string): StatusCause => ({ reason: 'FieldValueForbidden', field, message });

/** Names: DNS-1123 labels for namespaces and services, subdomains for the rest. */
export function validateName(kind: string, name: string | undefined): StatusCause[] {
  if (!name) return [required('metadata.name')];
  const label = kind === 'Namespace' || kind === 'Service' || kind === 'Workspace';
  const max = label ? 63 : 253;
  const re = label ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  if (name.length > max || !re.test(name)) {
    const what = label ? 'a lowercase RFC 1123 label' : 'a lowercase RFC 1123 subdomain';
    return [bad('metadata.name', `Invalid value: "${name}": must be ${what} (at most ${max} characters of a-z, 0-9 and '-', starting and ending with an alphanumeric character)`)];
  }
  return [];
}

// compat R7: Kaito 0.12's validateDataSourceURL (api/v1beta1/workspace_validation.go): Go's net.IP IsLoopback,
// IsPrivate, IsLinkLocalUnicast, IsLinkLocalMulticast on an address literal (no DNS lookup), plus isMetadataHostname.
const BLOCKED_V4: ReadonlyArray<readonly [number[], number]> = [[[127, 0, 0, 0], 8], [[10, 0, 0, 0], 8], [[172, 16, 0, 0], 12], [[192, 168, 0, 0], 16], [[169, 254, 0, 0], 16], [[224, 0, 0, 0], 24]];
/** ::1/128, fc00::/7, fe80::/10 and link-local multicast ff02::/16 (any flags nibble: ffX2) */
const blockedV6 = (g: number[]) => (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) || (g[0] & 0xfe00) === 0xfc00 || (g[0] & 0xffc0) === 0xfe80 || (g[0] & 0xff0f) === 0xff02;
const inPrefix = (bytes: number[], [net, bits]: readonly [number[], number]) => bytes.every((b, i) => {
  const keep = Math.max(0, Math.min(8, bits - i * 8));
  const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
  return (b & mask) === (net[i] & mask);
});
/** true when Kaito 0.12 refuses an address literal as a data source (loopback, private, link-local). */
export function kaitoBlockedAddress(host: string): boolean {
  const v4 = parseIPv4(host);
  const v6 = v4 ? undefined : parseIPv6(host);
  // an IPv4-mapped IPv6 literal counts as its IPv4 address (Go's To4)
  const mapped = v6 && v6.slice(0, 5).every((x) => x === 0) && v6[5] === 0xffff ? [v6[6] >> 8, v6[6] & 255, v6[7] >> 8, v6[7] & 255] : undefined;
  const bytes = v4 ?? mapped;
  if (bytes) return BLOCKED_V4.some((p) => inPrefix(bytes, p));
  return v6 ? blockedV6(v6) : false;
}
const KAITO_METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.google', 'instance-data.ec2.internal']);

/** Kaito 0.12's message for a refused data URL, or null. */
function dataSourceUrlError(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'invalid data source URL';
  }
  if (!url.host) return 'invalid data source URL';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'data source URL must use HTTP or HTTPS';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || KAITO_METADATA_HOSTS.has(host)) return 'data source URL must not target a local or metadata endpoint';
  if (kaitoBlockedAddress(host)) return 'data source URL must not target a loopback, private, or link-local address';
  return null;
}

function exactlyOne(o: Obj | undefined, keys: string[], field: string): StatusCause[] {
  const set = keys.filter((k) => o?.[k] !== undefined && o?.[k] !== null && !(Array.isArray(o[k]) && o[k].length === 0));
  if (set.length === 1) return [];
  return [bad(field, set.length === 0 ? `exactly one of ${keys.join(', ')} must be set` : `exactly one of ${keys.join(', ')} must be set, got ${set.join(' and ')}`)];
}

/** Reads a ConfigMap from the store (namespace, name), for the webhook's tuning.config lookup. */
export type ConfigMapLookup = (namespace: string, name: string) => KObject | undefined;

const TUNING_SECTIONS = ['ModelConfig', 'QuantizationConfig', 'LoraConfig', 'TrainingArguments', 'DatasetConfig', 'DataCollator'];

/** compat A30: on create the webhook GETs tuning.config in the workspace namespace, else `<method>-params-template` in
 *  the controller namespace; missing is rejected; training_config.yaml is checked (v0.12 api/v1beta1
 *  tuning_config_validation.go validateConfigMap: schema, method/quantization, output_dir). */
export function validateTuningConfigMap(tun: Obj, wsNamespace: string, lookup: ConfigMapLookup, controllerNamespace = 'kube-system'): StatusCause[] {
  const method = String(tun.method ?? '');
  const named = typeof tun.config === 'string' && tun.config !== '';
  const ns = named ? wsNamespace : controllerNamespace;
  const name = named ? (tun.config as string) : `${method}-params-template`;
  const cm = lookup(ns, name);
  if (!cm) return [bad('tuning.config', `ConfigMap '${name}' specified in 'config' not found in namespace '${ns}'`)];
  const text = (cm as Obj).data?.['training_config.yaml'];
  if (typeof text !== 'string') return [required('tuning.config: training_config.yaml in ConfigMap')];
  let doc: Obj;
  try {
    doc = yamlLib().parse(text) as Obj;
  } catch (e) {
    return [bad('training_config.yaml', (e as Error).message.split('\n')[0])];
  }
  const tc = doc?.training_config;
  if (typeof tc !== 'object' || tc === null || Array.isArray(tc)) return [bad('training_config.yaml', "Expected 'training_config' key to contain a map")];
  const causes: StatusCause[] = [];
  for (const k of Object.keys(tc)) if (!TUNING_SECTIONS.includes(k)) causes.push(bad('training_config.yaml', `Unrecognized section: ${k}`));
  const q = tc.QuantizationConfig as Obj | undefined;
  const nilOrBool = (v: unknown) => v === undefined || v === null || typeof v === 'boolean';
  if (q && typeof q === 'object') {
    for (const k of ['load_in_4bit', 'load_in_8bit']) if (!nilOrBool(q[k])) causes.push(bad(k, `value must be either nil or a boolean, got ${typeof q[k]}`));
  }
  const four = q?.load_in_4bit === true;
  const eight = q?.load_in_8bit === true;
  if (four && eight) causes.push(bad('QuantizationConfig', `Cannot set both 'load_in_4bit' and 'load_in_8bit' to true in ConfigMap '${name}'`));
  else if (method === 'lora' && (four || eight)) causes.push(bad('QuantizationConfig', `For method 'lora', 'load_in_4bit' or 'load_in_8bit' in ConfigMap '${name}' must not be true`));
  else if (method === 'qlora' && !four && !eight) causes.push(required(`QuantizationConfig: For method 'qlora', either 'load_in_4bit' or 'load_in_8bit' must be true in ConfigMap '${name}'`));
  const dir = (tc.TrainingArguments as Obj | undefined)?.output_dir;
  if (dir !== undefined) {
    if (typeof dir !== 'string') causes.push(bad('output_dir', `output_dir is not a string in ConfigMap '${name}' in namespace '${ns}'`));
    else {
      const clean = posix.normalize(dir.startsWith('/mnt') ? dir : posix.join('/mnt', dir)).replace(/(.)\/+$/, '$1');
      if (clean === '/mnt' || !clean.startsWith('/mnt/')) causes.push(bad('output_dir', `Invalid output_dir specified: '${dir}', must be a directory`));
    }
  }
  return causes;
}

/** Lists Nodes whose labels include all of these (the webhook's node lookup). */
export type NodeLister = (matchLabels: Record<string, string>) => KObject[];

export interface WorkspaceAdmission {
  /** the ConfigMap lookup; set on create only (compat A30) */
  lookup?: ConfigMapLookup;
  /** the Node lookup; set on create only (compat A32) */
  listNodes?: NodeLister;
  /** default 0.12 */
  version?: KaitoVersion;
}

// compat R9: presets whose weights Kaito downloads at run time (supported_models.yaml downloadAtRuntime at the tag),
// and of those the ones that need an HF token (downloadAuthRequired). 0.11+ accepts a secret for any catalog preset.
const RUNTIME_DOWNLOAD: Partial<Record<KaitoVersion, { all: string[]; auth: string[] }>> = {
  // v0.6.0 presets/workspace/models/supported_models.yaml; v0.6.0 api/v1beta1/workspace_validation.go InferenceSpec.validateCreate
  '0.6': { all: ['llama-3.1-8b-instruct', 'llama-3.3-70b-instruct', 'deepseek-r1-0528', 'deepseek-v3-0324'], auth: ['llama-3.1-8b-instruct', 'llama-3.3-70b-instruct', 'deepseek-r1-0528', 'deepseek-v3-0324'] },
  // v0.10.0 presets/workspace/models/supported_models.yaml; v0.10.0 api/v1beta1/workspace_validation.go InferenceSpec.validateCreate
  '0.10': {
    all: ['llama-3.1-8b-instruct', 'llama-3.3-70b-instruct', 'deepseek-r1-0528', 'deepseek-v3-0324', 'ministral-3-3b-instruct', 'ministral-3-8b-instruct', 'ministral-3-14b-instruct', 'mistral-large-3-675b-instruct', 'gemma-3-4b-instruct', 'gemma-3-27b-instruct', 'gpt-oss-120b'],
    auth: ['llama-3.1-8b-instruct', 'llama-3.3-70b-instruct'],
  },
};

function modelAccessSecretCause(preset: string, secret: string | undefined, version: KaitoVersion): StatusCause | null {
  const t = RUNTIME_DOWNLOAD[version];
  if (!t || preset.includes('/')) return null;
  if (t.all.includes(preset)) {
    if (secret || !t.auth.includes(preset)) return null;
    return bad('inference', version === '0.6'
      ? 'This preset requires a modelAccessSecret with HF_TOKEN key under presetOptions to download the model'
      : 'This preset requires authentication and needs a modelAccessSecret with HF_TOKEN key under presetOptions to download the model');
  }
  return secret ? bad('inference', 'This preset does not require a modelAccessSecret with HF_TOKEN key under presetOptions') : null;
}

const GFD_KEYS = ['nvidia.com/gpu.product', 'nvidia.com/gpu.count', 'nvidia.com/gpu.memory'];

/** compat A32: BYO (v0.8+; 0.10+ here), preset inference, on create: the nodes matching the (sanitized, 0.11+) matchLabels
 *  must exist and carry uniform GPU Feature Discovery labels (v0.10.0/v0.12.0 api/v1beta1/workspace_validation.go
 *  validateCreateWithInference; v0.12 pkg/sku/helpers.go GetGPUConfigFromNodeLabels). The first problem ends the check. */
function byoNodeProblem(matchLabels: Record<string, string>, list: NodeLister, version: KaitoVersion): string | null {
  const sel = versionAtLeast(version, '0.11') ? Object.fromEntries(Object.entries(matchLabels).filter(([k]) => !RESERVED_SELECTOR_KEYS.has(k))) : matchLabels;
  const nodes = list(sel);
  if (!nodes.length) return 'No nodes found matching the specified label selector';
  let first: { product: string; count: number; memGiB: number } | undefined;
  for (const n of nodes) {
    const l = n.metadata.labels ?? {};
    const name = n.metadata.name;
    if (GFD_KEYS.some((k) => l[k] === undefined)) return `Failed to get GPU config from nvidia labels on node ${name}: missing required nvidia.com labels on node ${name}`;
    const count = Number.parseInt(l['nvidia.com/gpu.count'], 10);
    if (!/^[+-]?\d+$/.test(l['nvidia.com/gpu.count'])) return `Failed to get GPU config from nvidia labels on node ${name}: invalid nvidia.com/gpu.count value on node ${name}: ${l['nvidia.com/gpu.count']}`;
    if (!/^[+-]?\d+$/.test(l['nvidia.com/gpu.memory'])) return `Failed to get GPU config from nvidia labels on node ${name}: invalid nvidia.com/gpu.memory value on node ${name}: ${l['nvidia.com/gpu.memory']}`;
    const memGiB = Math.floor(Number(l['nvidia.com/gpu.memory']) / 1024 + 0.5) * count;
    const cur = { product: l['nvidia.com/gpu.product'], count, memGiB };
    if (!first) first = cur;
    else if (cur.product !== first.product) return `Non-uniform GPU product: node ${name} has ${cur.product} GPUs, but previous node has ${first.product} GPUs, all nodes must have the same GPU product for homogeneous placement`;
    else if (cur.count !== first.count) return `Non-uniform GPU count: node ${name} has ${cur.count} GPUs, but previous node has ${first.count} GPUs`;
    else if (cur.memGiB !== first.memGiB) return `Non-uniform GPU memory: node ${name} has ${cur.memGiB}Gi memory, but previous node has ${first.memGiB}Gi memory`;
  }
  return null;
}

export function validateWorkspace(ws: KObject, mode: NodeProvisioning, opts: WorkspaceAdmission = {}): StatusCause[] {
  const { lookup, listNodes, version = '0.12' } = opts;
  const w = ws as Obj;
  const causes: StatusCause[] = [];
  const name = ws.metadata?.name;
  if (name && (name.length > 63 || !DNS1123_LABEL.test(name))) causes.push(...validateName('Workspace', name));
  const r = w.resource as Obj | undefined;
  if (!r) causes.push(required('resource'));
  else {
    const mlKeys = Object.keys((r.labelSelector?.matchLabels as Record<string, string> | undefined) ?? {});
    if (!r.labelSelector) causes.push(required('resource.labelSelector'));
    // compat R3: v0.11+ validateCreateWithInference rejects non-empty matchLabels made only of the 8 reserved keys
    // (SanitizedMatchLabels would leave none and match every node); tuning and older releases accept them.
    else if (w.inference && versionAtLeast(version, '0.11') && mlKeys.length && mlKeys.every((k) => RESERVED_SELECTOR_KEYS.has(k)))
      causes.push(bad('resource.labelSelector.matchLabels', 'invalid value: matchLabels must contain at least one non-reserved label'));
    if (mode === 'nap' && !r.instanceType) causes.push(required('resource.instanceType'));
    if (mode === 'byo' && r.instanceType) causes.push(forbidden('resource.instanceType', 'must be empty when node auto-provisioning is disabled (BYO nodes)'));
    if (r.count !== undefined && (!Number.isInteger(r.count) || r.count < 0)) causes.push(bad('resource.count', `Invalid value: ${JSON.stringify(r.count)}: must be a non-negative integer`));
    const presetName = (w.inference as Obj | undefined)?.preset?.name;
    if (listNodes && mode === 'byo' && presetName && versionAtLeast(version, '0.10') && r.labelSelector) {
      const why = byoNodeProblem((r.labelSelector.matchLabels as Record<string, string> | undefined) ?? {}, listNodes, version);
      if (why) causes.push(bad('resource', why));
    }
  }
  const inf = w.inference as Obj | undefined;
  const tun = w.tuning as Obj | undefined;
  if (!!inf === !!tun) causes.push(bad('spec', inf ? 'inference and tuning are mutually exclusive' : 'either inference or tuning must be specified'));
  if (inf) {
    causes.push(...exactlyOne(inf, ['preset', 'template'], 'inference'));
    if (inf.preset && !inf.preset.name) causes.push(required('inference.preset.name'));
    else if (inf.preset?.name) {
      const c = modelAccessSecretCause(String(inf.preset.name), inf.preset.presetOptions?.modelAccessSecret, version);
      if (c) causes.push(c);
    }
    const adapters = (inf.adapters as Obj[] | undefined) ?? [];
    if (adapters.length > 10) causes.push(bad('inference.adapters', `at most 10 adapters are allowed, got ${adapters.length}`));
    const seen = new Set<string>();
    const runtime = ws.metadata?.annotations?.['kaito.sh/runtime'] ?? 'vllm';
    adapters.forEach((a, i) => {
      const f = `inference.adapters[${i}]`;
      const n = a.source?.name;
      if (!n) causes.push(required(`${f}.source.name`));
      else if (seen.has(n)) causes.push(bad(`${f}.source.name`, `duplicate adapter name "${n}"`));
      else seen.add(n);
      if (!a.source?.image) causes.push(required(`${f}.source.image`));
      if (a.source?.urls?.length) causes.push(forbidden(`${f}.source.urls`, 'adapters cannot be downloaded from urls'));
      if (runtime === 'vllm' && a.strength !== undefined) causes.push(forbidden(`${f}.strength`, 'the vLLM runtime does not support adapter strength'));
    });
  }
  if (tun) {
    if (!tun.preset?.name) causes.push(required('tuning.preset.name'));
    if (!['lora', 'qlora'].includes(tun.method)) causes.push(bad('tuning.method', `Unsupported value: ${JSON.stringify(tun.method ?? '')}: supported values: "lora", "qlora"`));
    const input = tun.input as Obj | undefined;
    if (!input) causes.push(required('tuning.input'));
    else {
      causes.push(...exactlyOne(input, ['urls', 'image', 'volumeSource'], 'tuning.input'));
      // compat R7: only Kaito 0.12 checks the URLs (create only); older releases take any string
      if (version === '0.12')
        ((input.urls as string[] | undefined) ?? []).forEach((u, i) => {
          const why = dataSourceUrlError(String(u));
          if (why) causes.push(bad(`tuning.input.urls[${i}]`, `invalid value: ${why}`));
        });
    }
    const output = tun.output as Obj | undefined;
    if (!output) causes.push(required('tuning.output'));
    else {
      causes.push(...exactlyOne(output, ['image', 'volumeSource'], 'tuning.output'));
      if (output.image && !output.imagePushSecret) causes.push(required('tuning.output.imagePushSecret'));
    }
    if (r?.count !== undefined && r.count > 1) causes.push(bad('resource.count', `Invalid value: ${r.count}: tuning supports at most 1 node`));
    if (lookup && ['lora', 'qlora'].includes(tun.method)) causes.push(...validateTuningConfigMap(tun, ws.metadata?.namespace ?? 'default', lookup)); // compat A30
  }
  return causes;
}

/** Fields that cannot change once the workspace exists. */
export function validateWorkspaceUpdate(old: KObject, next: KObject): StatusCause[] {
  const o = old as Obj;
  const n = next as Obj;
  const causes: StatusCause[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const check = (field: string, a: unknown, b: unknown) => {
    if (!same(a, b)) causes.push(forbidden(field, 'field is immutable'));
  };
  check('resource.instanceType', o.resource?.instanceType, n.resource?.instanceType);
  check('resource.count', o.resource?.count, n.resource?.count);
  check('resource.labelSelector', o.resource?.labelSelector, n.resource?.labelSelector);
  check('inference.preset.name', o.inference?.preset?.name, n.inference?.preset?.name);
  check('tuning.preset.name', o.tuning?.preset?.name, n.tuning?.preset?.name);
  check('tuning.method', o.tuning?.method, n.tuning?.method);
  if (!!o.inference !== !!n.inference) causes.push(forbidden('inference', 'a workspace cannot switch between inference and tuning'));
  return causes;
}
