import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/client.js';
import { describeController } from '../../../src/kube/kaito.js';
import { dockerConfigSecret, registryOf } from '../../../src/kube/secrets.js';
import { applyWorkspaceObjects, immutableChanges, isSubset } from '../../../src/kube/workspace.js';
import { redact } from '../../../src/ui/redact.js';

const ws = (over: { instanceType?: string; method?: string; preset?: string; labels?: Record<string, string>; urls?: string[] } = {}): KubeObject => ({
  apiVersion: 'kaito.sh/v1beta1',
  kind: 'Workspace',
  metadata: { name: 'w' },
  resource: { instanceType: over.instanceType ?? 'Standard_NV36ads_A10_v5', labelSelector: { matchLabels: over.labels ?? { app: 'w' } } },
  tuning: { preset: { name: over.preset ?? 'phi-4' }, method: over.method ?? 'qlora', input: { urls: over.urls ?? ['https://x/a.parquet'] }, output: { volumeSource: { persistentVolumeClaim: { claimName: 'o' } } } },
});

describe('immutableChanges', () => {
  it('lists every immutable field that differs', () => {
    expect(immutableChanges(ws(), ws())).toEqual([]);
    const c = immutableChanges(ws({ method: 'lora', instanceType: 'Standard_NC24ads_A100_v4', preset: 'phi-4-mini-instruct', labels: { app: 'w', team: 'x' } }), ws());
    expect(c).toHaveLength(4);
    expect(c.join('\n')).toMatch(/preset: phi-4 -> phi-4-mini-instruct/);
    expect(c.join('\n')).toMatch(/method: qlora -> lora/);
    expect(c.join('\n')).toMatch(/instanceType: Standard_NV36ads_A10_v5 -> Standard_NC24ads_A100_v4/);
    expect(c.join('\n')).toMatch(/labelSelector/);
  });
  it('input/output changes are not immutable', () => {
    expect(immutableChanges(ws({ urls: ['https://x/b.parquet'] }), ws())).toEqual([]);
  });
  it('count defaults to 1 on both sides', () => {
    const live = ws();
    (live.resource as Record<string, unknown>).count = 1;
    expect(immutableChanges(ws(), live)).toEqual([]);
  });
});

describe('applyWorkspaceObjects: unchanged or configured', () => {
  // the controller writes status between our read and our apply: the resourceVersion moves, the user's part does not
  const fake = (live: KubeObject, answer: KubeObject) =>
    ({ namespace: 'default', getOptional: async () => live, apply: async () => answer, error: (e: unknown) => e }) as never;
  const at = (o: KubeObject, rv: string, extra: Partial<KubeObject> = {}): KubeObject => ({ ...o, ...extra, metadata: { ...o.metadata, resourceVersion: rv, generation: 1, ...(extra.metadata ?? {}) } });
  it('a status write in between is still unchanged; a label, a spec field or a new generation is configured', async () => {
    const live = at(ws(), '5', { status: { state: 'Pending' } });
    expect((await applyWorkspaceObjects(fake(live, at(ws(), '6', { status: { state: 'Running' } })), [ws()]))[0].action).toBe('unchanged');
    expect((await applyWorkspaceObjects(fake(live, at(ws(), '5', { status: { state: 'Pending' } })), [ws()]))[0].action).toBe('unchanged');
    const labelled = at(ws(), '6', { metadata: { name: 'w', labels: { team: 'x' } } });
    expect((await applyWorkspaceObjects(fake(live, labelled), [ws()]))[0].action).toBe('configured');
    const newInput = at(ws({ urls: ['https://x/b.parquet'] }), '6', { metadata: { name: 'w', generation: 2 } });
    expect((await applyWorkspaceObjects(fake(live, newInput), [ws({ urls: ['https://x/b.parquet'] })]))[0].action).toBe('configured');
  });
});

describe('isSubset', () => {
  it('ignores fields only the server has, not differing values', () => {
    expect(isSubset({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2], d: 3 }, e: 4 })).toBe(true);
    expect(isSubset({ a: 1 }, { a: 2 })).toBe(false);
    expect(isSubset({ c: [1] }, { c: [1, 2] })).toBe(false);
  });
});

describe('docker-registry secret', () => {
  it('keys the registry host and never leaks the password through redact', () => {
    expect(registryOf('myacr.azurecr.io/adapters/x:1')).toBe('myacr.azurecr.io');
    expect(registryOf('localhost:5000/x')).toBe('localhost:5000');
    expect(registryOf('user/x:1')).toBe('https://index.docker.io/v1/');
    const s = dockerConfigSecret('push', 'ns', 'myacr.azurecr.io/a:1', 'bob', 's3cret-pass');
    expect(s.type).toBe('kubernetes.io/dockerconfigjson');
    const cfg = JSON.parse(Buffer.from((s.data as Record<string, string>)['.dockerconfigjson'], 'base64').toString());
    expect(cfg.auths['myacr.azurecr.io']).toMatchObject({ username: 'bob', password: 's3cret-pass' });
    expect(redact(JSON.stringify(s))).not.toContain((s.data as Record<string, string>)['.dockerconfigjson']);
    expect(redact('password was s3cret-pass')).not.toContain('s3cret-pass');
  });
});

describe('describeController', () => {
  const dep = (args: string[], image = 'mcr.microsoft.com/aks/kaito/workspace:0.6.2'): never => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'kaito-workspace', namespace: 'kube-system' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'manager', image, args }] } } }, status: { readyReplicas: 1 } }) as never;
  it('reads version from the image tag and BYO from the feature gate', () => {
    expect(describeController(dep(['--feature-gates=vLLM=true']))).toMatchObject({ version: '0.6.2', mode: 'nap', readyReplicas: 1 });
    expect(describeController(dep(['--feature-gates=vLLM=true,disableNodeAutoProvisioning=true']))).toMatchObject({ mode: 'byo' });
  });
});
