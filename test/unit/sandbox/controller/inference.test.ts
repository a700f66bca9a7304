import { afterEach, describe, expect, it } from 'vitest';
import { createKaitoController } from '../../../../src/sandbox/controller/index.js';
import { cond, inferenceWorkspace, testContext, waitFor, type TestSandbox } from './helpers.js';

let sb: TestSandbox | undefined;
afterEach(() => sb?.abort.abort());

const WS = 'kaito.sh/workspaces';

describe('inference workspaces', () => {
  it('provisions a NodeClaim, a node, a StatefulSet and Services, then reports Ready (v0.12)', async () => {
    sb = testContext();
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, inferenceWorkspace('phi'));
    const ws = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'phi');
      return (w?.status as { state?: string })?.state === 'Ready' && w;
    }, 20_000, 'Ready');
    expect(cond(ws, 'InferenceReady')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(cond(ws, 'ResourceReady')).toMatchObject({ status: 'True', reason: 'workspaceResourceStatusSuccess' });
    expect(cond(ws, 'NodeClaimReady')?.status).toBe('True');
    expect(ws.metadata.finalizers).toContain('workspace.finalizer.kaito.sh');
    const status = ws.status as { workerNodes: string[]; targetNodeCount: number };
    expect(status.targetNodeCount).toBe(1);
    const claims = ctx.store.list('karpenter.sh/nodeclaims').items;
    expect(claims).toHaveLength(1);
    expect(claims[0].metadata.name).toMatch(/^ws[0-9a-f]{9}$/);
    expect(claims[0].metadata.labels).toMatchObject({ 'kaito.sh/workspace': 'phi' });
    const node = ctx.store.get('/nodes', undefined, status.workerNodes[0])!;
    expect(node.metadata.labels).toMatchObject({ app: 'phi', agentpool: claims[0].metadata.name, 'kubernetes.azure.com/agentpool': claims[0].metadata.name, 'node.kubernetes.io/instance-type': 'Standard_NC24ads_A100_v4', 'kubernetes.io/os': 'linux' });
    expect((node.spec as { taints: unknown[] }).taints).toContainEqual({ key: 'sku', value: 'gpu', effect: 'NoSchedule' });
    expect((node.status as { capacity: Record<string, string> }).capacity['nvidia.com/gpu']).toBe('1');
    const svc = ctx.store.get('/services', 'default', 'phi')!;
    expect((svc.spec as { ports: unknown[] }).ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 5000 }]);
    expect(ctx.store.get('/services', 'default', 'phi-headless')).toBeDefined();
    expect(ctx.store.get('apps/statefulsets', 'default', 'phi')).toBeDefined();
    const pod = ctx.store.get('/pods', 'default', 'phi-0')!;
    expect((pod.status as { phase: string }).phase).toBe('Running');
    expect(ctx.podLogs.read('default', 'phi-0', 'phi').map((l) => l.text).join('\n')).toContain('Starting vLLM API server');
  });

  it('reuses an existing matching node instead of creating a NodeClaim (v0.10; from v0.11 NAP pins to its own nodes: placement.test.ts)', async () => {
    sb = testContext({ version: '0.10' });
    const { ctx } = sb;
    const { makeAgentPoolNode } = await import('../../../../src/sandbox/controller/node-factory.js');
    ctx.store.create('/nodes', makeAgentPoolNode(ctx, { pool: 'gpu1', vmSize: 'Standard_NC24ads_A100_v4', index: 0, salt: '12345678', nodeLabels: { app: 'phi' }, nodeTaints: ['sku=gpu:NoSchedule'], ready: true }));
    createKaitoController(ctx);
    ctx.store.create(WS, inferenceWorkspace('phi'));
    await waitFor(ctx, () => (ctx.store.get(WS, 'default', 'phi')?.status as { state?: string })?.state === 'Ready', 20_000, 'Ready');
    expect(ctx.store.list('karpenter.sh/nodeclaims').items).toHaveLength(0);
  });

  it('lists adapters as loaded in the runtime log', async () => {
    sb = testContext();
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, inferenceWorkspace('phi', { adapters: ['legal', 'medical'] }));
    await waitFor(ctx, () => (ctx.store.get(WS, 'default', 'phi')?.status as { state?: string })?.state === 'Ready', 20_000, 'Ready');
    const log = ctx.podLogs.read('default', 'phi-0', 'phi').map((l) => l.text).join('\n');
    expect(log).toContain("Loaded new LoRA adapter: name 'legal'");
    expect(log).toContain("Loaded new LoRA adapter: name 'medical'");
    // compat G4: one skopeo puller init container per image adapter, sharing adapter-volume with the server;
    // images off the sandbox registry cannot be read, so they are assumed pulled (exit 0, no r/alpha note)
    const spec = (ctx.store.get('apps/statefulsets', 'default', 'phi')!.spec as { template: { spec: { initContainers: Array<{ name: string; image: string; args: string[] }>; volumes: unknown[]; containers: Array<{ volumeMounts: unknown[] }> } } }).template.spec;
    expect(spec.initContainers.map((c) => [c.name, c.image])).toEqual([['puller-legal', 'mcr.microsoft.com/aks/skopeo:1.14.4-6'], ['puller-medical', 'mcr.microsoft.com/aks/skopeo:1.14.4-6']]);
    expect(spec.initContainers[0].args[0]).toContain('docker://myacr.azurecr.io/legal:1');
    expect(spec.volumes).toEqual([{ name: 'adapter-volume', emptyDir: {} }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'adapter-volume', mountPath: '/mnt/adapter' }]);
    const inits = (ctx.store.get('/pods', 'default', 'phi-0')!.status as { initContainerStatuses: Array<{ name: string; state: { terminated?: { exitCode: number } } }> }).initContainerStatuses;
    expect(inits.map((c) => [c.name, c.state.terminated?.exitCode])).toEqual([['puller-legal', 0], ['puller-medical', 0]]);
    expect(log).not.toContain('[kaito-sandbox] adapter');
  });

  it('image-pull fault: pod in ImagePullBackOff, InferenceReady False with ImagePullError', async () => {
    sb = testContext({ faults: { imagePull: true } });
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, inferenceWorkspace('phi'));
    const ws = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'phi');
      return cond(w, 'InferenceReady')?.reason === 'ImagePullError' && w;
    }, 20_000, 'ImagePullError');
    expect(cond(ws, 'InferenceReady')?.status).toBe('False');
    expect((ws.status as { state: string }).state).toBe('Pending');
    await waitFor(ctx, () => JSON.stringify(ctx.store.get('/pods', 'default', 'phi-0')?.status).includes('ImagePullBackOff'), 10_000, 'ImagePullBackOff');
    expect(ctx.store.list('/events', 'default').items.some((e) => e.reason === 'Failed')).toBe(true);
  });

  it('quota fault: NodeClaim never launches and the workspace stays Pending with the quota message', async () => {
    sb = testContext({ faults: { quota: { standardNCADSA100v4Family: 0 } } });
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, inferenceWorkspace('phi'));
    const ws = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'phi');
      return cond(w, 'NodeClaimReady')?.message.includes('quota') && w;
    }, 20_000, 'quota message');
    expect((ws.status as { state: string }).state).toBe('Pending');
    expect(cond(ws, 'ResourceReady')).toMatchObject({ status: 'False' });
    expect(cond(ws, 'ResourceReady')?.message).toMatch(/standardNCADSA100v4Family Cores quota/);
    const claim = ctx.store.list('karpenter.sh/nodeclaims').items[0];
    expect(cond(claim, 'Launched')).toMatchObject({ status: 'False', reason: 'LaunchFailed' });
    expect(ctx.store.list('/nodes').items).toHaveLength(0);
  });

  it('BYO without nodes: Unschedulable; with a matching node: Ready without NodeClaims', async () => {
    sb = testContext({ provisioning: 'byo' });
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, inferenceWorkspace('phi', { instanceType: '', labels: { pool: 'gpu' } }));
    const ws = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'phi');
      return cond(w, 'ResourceReady')?.reason === 'Unschedulable' && w;
    }, 10_000, 'Unschedulable');
    expect(cond(ws, 'ResourceReady')?.message).toContain('pool=gpu');
    expect(cond(ws, 'NodeClaimReady')).toBeUndefined();
    const { makeAgentPoolNode } = await import('../../../../src/sandbox/controller/node-factory.js');
    ctx.store.create('/nodes', makeAgentPoolNode(ctx, { pool: 'gpu', vmSize: 'Standard_NV36ads_A10_v5', index: 0, salt: '12345678', nodeLabels: { pool: 'gpu' }, nodeTaints: ['sku=gpu:NoSchedule'], ready: true }));
    await waitFor(ctx, () => (ctx.store.get(WS, 'default', 'phi')?.status as { state?: string })?.state === 'Ready', 20_000, 'Ready');
    expect(ctx.store.list('karpenter.sh/nodeclaims').items).toHaveLength(0);
  });

  it('deleting removes owned objects and NodeClaims before the finalizer goes', async () => {
    sb = testContext();
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, inferenceWorkspace('phi'));
    await waitFor(ctx, () => (ctx.store.get(WS, 'default', 'phi')?.status as { state?: string })?.state === 'Ready', 20_000, 'Ready');
    const r = ctx.store.delete(WS, 'default', 'phi');
    expect(r.gone).toBe(false);
    await waitFor(ctx, () => cond(ctx.store.get(WS, 'default', 'phi'), 'WorkspaceDeleting')?.status === 'True', 10_000, 'WorkspaceDeleting');
    await waitFor(ctx, () => !ctx.store.get(WS, 'default', 'phi'), 20_000, 'workspace gone');
    expect(ctx.store.list('karpenter.sh/nodeclaims').items).toHaveLength(0);
    expect(ctx.store.list('/nodes').items).toHaveLength(0);
    expect(ctx.store.list('/pods').items).toHaveLength(0);
    expect(ctx.store.list('apps/statefulsets').items).toHaveLength(0);
    expect(ctx.store.list('/services').items).toHaveLength(0);
  });
});

describe('the inference workload per Kaito version (compat I1, I2)', () => {
  it('0.6: a Deployment with ReplicaSet-style pods on distinct nodes, a Service over all of them, no headless Service', async () => {
    sb = testContext({ version: '0.6' });
    const { ctx } = sb;
    createKaitoController(ctx);
    const w = inferenceWorkspace('old', { runtime: 'transformers', preset: 'phi-3-mini-4k-instruct' });
    (w.resource as { count?: number }).count = 2;
    ctx.store.create(WS, w);
    await waitFor(ctx, () => cond(ctx.store.get(WS, 'default', 'old'), 'InferenceReady')?.status === 'True', 20_000, 'InferenceReady');
    expect(ctx.store.get('apps/statefulsets', 'default', 'old')).toBeUndefined();
    const dep = ctx.store.get('apps/deployments', 'default', 'old')!;
    expect(dep).toBeDefined();
    expect(dep.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Workspace', name: 'old' });
    expect((dep.spec as { replicas: number }).replicas).toBe(2);
    expect(dep.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const pods = ctx.store.list('/pods', 'default', (p) => p.metadata.labels?.['kaito.sh/workspace'] === 'old').items;
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^old-[a-z0-9]{10}-[a-z0-9]{5}$/);
      expect(p.metadata.labels?.['pod-template-hash']).toBe(p.metadata.name.split('-')[1]);
      expect((p.status as { phase: string }).phase).toBe('Running');
    }
    expect(new Set(pods.map((p) => (p.spec as { nodeName: string }).nodeName)).size).toBe(2);
    expect(ctx.store.get('/pods', 'default', 'old-0')).toBeUndefined();
    expect((ctx.store.get('/services', 'default', 'old')!.spec as { selector: unknown }).selector).toEqual({ 'kaito.sh/workspace': 'old' });
    expect(ctx.store.get('/services', 'default', 'old-headless')).toBeUndefined();
    // a pod that goes away is replaced by the Deployment
    ctx.store.delete('/pods', 'default', pods[0].metadata.name);
    await waitFor(ctx, () => ctx.store.list('/pods', 'default', (p) => p.metadata.labels?.['kaito.sh/workspace'] === 'old' && p.metadata.name !== pods[0].metadata.name && !p.metadata.deletionTimestamp).items.length === 2, 20_000, 'replacement pod');
    // deleting the workspace takes the Deployment with it
    ctx.store.delete(WS, 'default', 'old');
    await waitFor(ctx, () => !ctx.store.get(WS, 'default', 'old'), 20_000, 'workspace gone');
    expect(ctx.store.get('apps/deployments', 'default', 'old')).toBeUndefined();
  });

  it('0.12: a StatefulSet, pod old-0, the Service selects pod 0, a headless Service', async () => {
    sb = testContext({ version: '0.12' });
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, inferenceWorkspace('new', { runtime: 'transformers' }));
    await waitFor(ctx, () => cond(ctx.store.get(WS, 'default', 'new'), 'InferenceReady')?.status === 'True', 20_000, 'InferenceReady');
    expect(ctx.store.get('apps/deployments', 'default', 'new')).toBeUndefined();
    expect(ctx.store.get('apps/statefulsets', 'default', 'new')).toBeDefined();
    expect(ctx.store.get('/pods', 'default', 'new-0')).toBeDefined();
    expect((ctx.store.get('/services', 'default', 'new')!.spec as { selector: unknown }).selector).toEqual({ 'kaito.sh/workspace': 'new', 'statefulset.kubernetes.io/pod-name': 'new-0' });
    expect(ctx.store.get('/services', 'default', 'new-headless')).toBeDefined();
  });
});
