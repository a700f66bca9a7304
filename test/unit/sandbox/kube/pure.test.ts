import { describe, expect, it } from 'vitest';
import { validateWorkspace, validateWorkspaceUpdate } from '../../../../src/sandbox/kube/admission.js';
import { parseResourcePath } from '../../../../src/sandbox/kube/api.js';
import { prune, workspaceSchema } from '../../../../src/sandbox/kube/kaito-schema.js';
import { fromFieldsV1, recordUpdate, serverSideApply, toFieldsV1 } from '../../../../src/sandbox/kube/managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../../../src/sandbox/kube/patch.js';
import { parseProxyName } from '../../../../src/sandbox/kube/proxy.js';
import { parseFieldSelector, parseLabelSelector } from '../../../../src/sandbox/kube/selectors.js';
import { humanAge, jsonPath } from '../../../../src/sandbox/kube/table.js';
import type { KObject } from '../../../../src/sandbox/store.js';

const obj = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, ...extra });

describe('selectors', () => {
  it('label selectors: equality, inequality, set-based, existence', () => {
    const a = obj('a', { app: 'x', tier: 'web' });
    const b = obj('b', { app: 'y' });
    expect(parseLabelSelector('app=x')(a)).toBe(true);
    expect(parseLabelSelector('app==x,tier!=db')(a)).toBe(true);
    expect(parseLabelSelector('app in (y, z)')(b)).toBe(true);
    expect(parseLabelSelector('app notin (y)')(b)).toBe(false);
    expect(parseLabelSelector('tier')(b)).toBe(false);
    expect(parseLabelSelector('!tier')(b)).toBe(true);
    expect(() => parseLabelSelector('app=(')).toThrow(/unable to parse/);
  });
  it('field selectors on any dotted path', () => {
    const p = obj('p1', {}, { status: { phase: 'Running' } });
    expect(parseFieldSelector('metadata.name=p1,status.phase=Running')(p)).toBe(true);
    expect(parseFieldSelector('status.phase!=Running')(p)).toBe(false);
  });
});

describe('patches', () => {
  it('merge patch deletes with null and replaces lists', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null }, l: [3] })).toEqual({ a: 1, b: { d: 3 }, l: [3] });
  });
  it('strategic merge patch merges containers by name and honours $patch: delete', () => {
    const cur = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
    expect(strategicMergePatch(cur, { spec: { '$setElementOrder/containers': [{ name: 'b' }], containers: [{ name: 'b', image: 'z' }, { name: 'a', $patch: 'delete' }] } } as never)).toEqual({ spec: { containers: [{ name: 'b', image: 'z' }] } });
  });
  it('JSON patch: add, replace, remove, test failure', () => {
    const doc = { metadata: { labels: { a: '1' } }, list: [1] };
    expect(jsonPatch(doc, [{ op: 'add', path: '/metadata/labels/b', value: '2' }, { op: 'replace', path: '/list/0', value: 9 }, { op: 'remove', path: '/metadata/labels/a' }])).toEqual({ metadata: { labels: { b: '2' } }, list: [9] });
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/list/0', value: 2 }])).toThrow(/test failed/);
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/nope/x' }])).toThrow(/does not exist/);
  });
});

describe('managedFields', () => {
  it('fieldsV1 round-trips', () => {
    const paths = [['metadata', 'labels', 'app'], ['resource', 'instanceType']];
    expect(toFieldsV1(paths)).toEqual({ 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:resource': { 'f:instanceType': {} } });
    expect(fromFieldsV1(toFieldsV1(paths))).toEqual(paths);
  });
  it('an Update takes ownership of what it changed; Apply then conflicts unless forced', () => {
    const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'a' } } as KObject;
    const created = serverSideApply(undefined, base, 'cli', false, 'v1');
    const edited = structuredClone(created);
    (edited as unknown as { data: Record<string, string> }).data.k = 'b';
    recordUpdate(created, edited, 'kubectl-edit', 'v1');
    expect(() => serverSideApply(edited, base, 'cli', false, 'v1')).toThrow(/conflict with "kubectl-edit".*\.data\.k/);
    const forced = serverSideApply(edited, base, 'cli', true, 'v1') as unknown as { data: Record<string, string>; metadata: { managedFields: Array<{ manager: string }> } };
    expect(forced.data.k).toBe('a');
    expect(forced.metadata.managedFields.map((m) => m.manager)).toEqual(['cli']);
  });
});

describe('Kaito admission', () => {
  const tuning = (over: Record<string, unknown> = {}) => ({
    apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 't' },
    resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: { app: 't' } } },
    tuning: { preset: { name: 'phi-4' }, method: 'lora', input: { urls: ['https://example.com/d.jsonl'] }, output: { image: 'r/x:1', imagePushSecret: 's' } },
    ...over,
  }) as unknown as KObject;
  it('accepts a valid tuning workspace in NAP mode and refuses instanceType in BYO mode', () => {
    expect(validateWorkspace(tuning(), 'nap')).toEqual([]);
    expect(validateWorkspace(tuning(), 'byo').map((c) => c.field)).toEqual(['resource.instanceType']);
  });
  it('reports every violation at once', () => {
    const bad = tuning({ resource: { labelSelector: { matchLabels: { 'kaito.sh/workspace': 't' } }, count: 2 }, tuning: { preset: { name: 'x' }, method: 'full', input: { urls: ['http://10.0.0.1/x'], image: 'i' }, output: { image: 'r/x:1' } } });
    expect(validateWorkspace(bad, 'nap').map((c) => c.field)).toEqual(['resource.instanceType', 'tuning.method', 'tuning.input', 'tuning.input.urls[0]', 'tuning.output.imagePushSecret', 'resource.count']);
  });
  it('compat R7: data URLs are checked only on 0.12, with Kaito 0.12\'s classes and messages', () => {
    const withUrl = (u: string) => tuning({ tuning: { preset: { name: 'phi-4' }, method: 'lora', input: { urls: [u] }, output: { image: 'r/x:1', imagePushSecret: 's' } } });
    const msg = (u: string, v: '0.6' | '0.10' | '0.11' | '0.12') => validateWorkspace(withUrl(u), 'nap', { version: v }).map((c) => `${c.field}: ${c.message}`);
    expect(msg('http://10.0.0.1/d.csv', '0.12')).toEqual(['tuning.input.urls[0]: invalid value: data source URL must not target a loopback, private, or link-local address']);
    expect(msg('http://[::ffff:192.168.1.1]/d.csv', '0.12')).toHaveLength(1);
    expect(msg('http://[ff02::2]/d.csv', '0.12')).toHaveLength(1);
    expect(msg('http://x.localhost/d.csv', '0.12')).toEqual(['tuning.input.urls[0]: invalid value: data source URL must not target a local or metadata endpoint']);
    expect(msg('ftp://x.io/d.csv', '0.12')).toEqual(['tuning.input.urls[0]: invalid value: data source URL must use HTTP or HTTPS']);
    for (const ok of ['http://100.64.1.1/d.csv', 'http://metadata.azure.com/d.csv', 'http://0.0.0.0/d.csv', 'https://example.com/d.csv']) expect(msg(ok, '0.12'), ok).toEqual([]);
    for (const v of ['0.6', '0.10', '0.11'] as const) expect(msg('http://127.0.0.1/d.csv', v), v).toEqual([]);
  });
  it('compat A32: BYO preset inference needs matching nodes with uniform GFD labels (0.10+, create only)', () => {
    const inf = tuning({ tuning: undefined, inference: { preset: { name: 'phi-4' } }, resource: { labelSelector: { matchLabels: { pool: 'gpu' } } } });
    const gfd = (name: string, product = 'NVIDIA-A10', count = '1', mem = '23028') => ({ metadata: { name, labels: { pool: 'gpu', 'nvidia.com/gpu.product': product, 'nvidia.com/gpu.count': count, 'nvidia.com/gpu.memory': mem } } }) as unknown as KObject;
    const bare = { metadata: { name: 'n0', labels: { pool: 'gpu' } } } as unknown as KObject;
    const run = (nodes: KObject[], version: '0.10' | '0.12' = '0.12') =>
      validateWorkspace(inf, 'byo', { version, listNodes: (want) => nodes.filter((n) => Object.entries(want).every(([k, v]) => n.metadata.labels?.[k] === v)) }).map((c) => `${c.field}: ${c.message}`);
    expect(run([])).toEqual(['resource: No nodes found matching the specified label selector']);
    expect(run([bare])).toEqual(['resource: Failed to get GPU config from nvidia labels on node n0: missing required nvidia.com labels on node n0']);
    expect(run([gfd('a'), gfd('b')])).toEqual([]);
    expect(run([gfd('a'), gfd('b', 'NVIDIA-A100-80GB-PCIe', '1', '81920')])).toEqual(['resource: Non-uniform GPU product: node b has NVIDIA-A100-80GB-PCIe GPUs, but previous node has NVIDIA-A10 GPUs, all nodes must have the same GPU product for homogeneous placement']);
    expect(run([gfd('a'), gfd('b', 'NVIDIA-A10', '2')])).toEqual(['resource: Non-uniform GPU count: node b has 2 GPUs, but previous node has 1 GPUs']);
    expect(run([gfd('a', 'NVIDIA-A10', 'x')])[0]).toMatch(/invalid nvidia.com\/gpu.count value on node a: x/);
    expect(run([bare], '0.10')).toHaveLength(1);
    // NAP, templates, tuning and updates (no lister) are not checked
    expect(validateWorkspace(inf, 'byo', { version: '0.12' })).toEqual([]);
    expect(validateWorkspace(tuning({ resource: { labelSelector: { matchLabels: { pool: 'gpu' } } } }), 'byo', { version: '0.12', listNodes: () => [] })).toEqual([]);
  });
  it('compat R9: modelAccessSecret rules of 0.6 and 0.10; none from 0.11', () => {
    const inf = (name: string, secret?: string) => tuning({ tuning: undefined, inference: { preset: { name, ...(secret ? { presetOptions: { modelAccessSecret: secret } } : {}) } } });
    const msgs = (w: KObject, v: '0.6' | '0.10' | '0.11' | '0.12') => validateWorkspace(w, 'nap', { version: v }).map((c) => `${c.field}: ${c.message}`);
    expect(msgs(inf('phi-4', 'hf'), '0.6')).toEqual(['inference: This preset does not require a modelAccessSecret with HF_TOKEN key under presetOptions']);
    expect(msgs(inf('llama-3.1-8b-instruct'), '0.6')).toEqual(['inference: This preset requires a modelAccessSecret with HF_TOKEN key under presetOptions to download the model']);
    expect(msgs(inf('llama-3.1-8b-instruct'), '0.10')).toEqual(['inference: This preset requires authentication and needs a modelAccessSecret with HF_TOKEN key under presetOptions to download the model']);
    expect(msgs(inf('gemma-3-4b-instruct'), '0.10')).toEqual([]);
    expect(msgs(inf('gemma-3-4b-instruct', 'hf'), '0.10')).toEqual([]);
    expect(msgs(inf('phi-4', 'hf'), '0.10')).toHaveLength(1);
    expect(msgs(inf('phi-4', 'hf'), '0.11')).toEqual([]);
    expect(msgs(inf('llama-3.1-8b-instruct'), '0.12')).toEqual([]);
  });
  it('compat R3: only the 8 reserved keys count, only for inference, only from 0.11', () => {
    const inf = (ml: Record<string, string>) => tuning({ tuning: undefined, inference: { preset: { name: 'p' } }, resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: ml } } });
    const reserved = { 'kaito.sh/workspace': 'x', 'karpenter.kaito.sh/workspace-name': 'x' };
    expect(validateWorkspace(inf(reserved), 'nap', { version: '0.12' })).toEqual([
      { reason: 'FieldValueInvalid', field: 'resource.labelSelector.matchLabels', message: 'invalid value: matchLabels must contain at least one non-reserved label' },
    ]);
    expect(validateWorkspace(inf(reserved), 'nap', { version: '0.11' }).map((c) => c.field)).toEqual(['resource.labelSelector.matchLabels']);
    expect(validateWorkspace(inf(reserved), 'nap', { version: '0.10' })).toEqual([]);
    expect(validateWorkspace(inf(reserved), 'nap', { version: '0.6' })).toEqual([]);
    expect(validateWorkspace(inf({ ...reserved, app: 'a' }), 'nap', { version: '0.12' })).toEqual([]);
    expect(validateWorkspace(inf({ 'kaito.sh/team': 'a' }), 'nap', { version: '0.12' })).toEqual([]); // not one of the 8
    const tun = tuning({ resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: reserved } } });
    expect(validateWorkspace(tun, 'nap', { version: '0.12' })).toEqual([]);
  });
  it('inference: preset XOR template, unique adapter names, no strength on vLLM', () => {
    const inf = tuning({ tuning: undefined, inference: { preset: { name: 'p' }, template: {}, adapters: [{ source: { name: 'a', image: 'i' }, strength: '1.0' }, { source: { name: 'a', image: 'i' } }] } });
    expect(validateWorkspace(inf, 'nap').map((c) => c.field)).toEqual(['inference', 'inference.adapters[0].strength', 'inference.adapters[1].source.name']);
  });
  it('immutable fields on update', () => {
    const next = tuning();
    (next as unknown as { tuning: { method: string } }).tuning.method = 'qlora';
    expect(validateWorkspaceUpdate(tuning(), next).map((c) => c.field)).toEqual(['tuning.method']);
  });
  it('prunes unknown fields and reports their paths', () => {
    const o = { ...tuning(), tuning: { ...(tuning() as never as { tuning: object }).tuning, inputs: 1 }, extra: true } as Record<string, unknown>;
    expect(prune(o, workspaceSchema)).toEqual(['.tuning.inputs', '.extra']);
    expect(o).not.toHaveProperty('extra');
  });
});

describe('routing and printing helpers', () => {
  it('parses resource paths, namespaced and not, with subresources', () => {
    expect(parseResourcePath('/apis/kaito.sh/v1alpha1/namespaces/ns1/workspaces/w/status')).toMatchObject({ version: 'v1alpha1', namespace: 'ns1', name: 'w', sub: 'status' });
    expect(parseResourcePath('/api/v1/namespaces/ns1')).toMatchObject({ name: 'ns1', namespace: undefined });
    expect(parseResourcePath('/api/v1/pods')).toMatchObject({ namespace: undefined, name: undefined });
    expect(parseResourcePath('/api/v1/namespaces/d/services/ws%3A80/proxy/v1/chat/completions')).toMatchObject({ name: 'ws:80', sub: 'proxy', rest: 'v1/chat/completions' });
    expect(parseResourcePath('/apis/kaito.sh/v9/workspaces')).toBeUndefined();
  });
  it('proxy names: name, name:port, scheme:name:port', () => {
    expect(parseProxyName('ws')).toEqual({ name: 'ws' });
    expect(parseProxyName('ws:http')).toEqual({ name: 'ws', port: 'http' });
    expect(parseProxyName('https:ws:443')).toEqual({ scheme: 'https', name: 'ws', port: '443' });
  });
  it('JSONPath of printer columns and ages', () => {
    const o = { metadata: { labels: { 'node.kubernetes.io/instance-type': 'X' } }, status: { conditions: [{ type: 'A', status: 'False' }, { type: 'B', status: 'True' }] } };
    expect(jsonPath(o, '.status.conditions[?(@.type=="B")].status')).toEqual(['True']);
    expect(jsonPath(o, '.metadata.labels.node\\.kubernetes\\.io/instance-type')).toEqual(['X']);
    const now = Date.parse('2025-01-01T10:00:00Z');
    expect(humanAge('2025-01-01T09:59:30Z', now)).toBe('30s');
    expect(humanAge('2025-01-01T09:55:00Z', now)).toBe('5m');
    expect(humanAge('2024-12-30T10:00:00Z', now)).toBe('2d');
  });
});
