// Node provisioning per provisioner and release (docs/kaito-compat.md N20, N21): karpenter NodePools and their
// NodeClaims, and v0.11+ pinning pods to the nodes provisioned for the workspace (a pre-created pool idles).
import { afterEach, describe, expect, it } from 'vitest';
import { createKaitoController } from '../../../../src/sandbox/controller/index.js';
import { makeAgentPoolNode } from '../../../../src/sandbox/controller/node-factory.js';
import { karpenterNodePoolName } from '../../../../src/sandbox/controller/placement.js';
import type { KObject } from '../../../../src/sandbox/store.js';
import { cond, inferenceWorkspace, testContext, waitFor, type TestSandbox } from './helpers.js';

let sb: TestSandbox | undefined;
afterEach(() => sb?.abort.abort());

const WS = 'kaito.sh/workspaces';
const state = (w: KObject | undefined) => (w?.status as { state?: string } | undefined)?.state;
const affinityKeys = (pod: KObject) =>
  ((pod.spec as { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: Array<{ matchExpressions: Array<{ key: string; values: string[] }> }> } } } }).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).map((e) => `${e.key}=${e.values[0]}`).sort();

/** a Ready GPU node of a user-made AKS pool, labelled with the workspace's matchLabels */
function userPoolNode(ctx: TestSandbox['ctx'], labels: Record<string, string>) {
  ctx.store.create('/nodes', makeAgentPoolNode(ctx, { pool: 'gpua100', vmSize: 'Standard_NC24ads_A100_v4', index: 0, salt: '12345678', nodeLabels: labels, nodeTaints: ['sku=gpu:NoSchedule'], ready: true }));
}

describe('node provisioning per Kaito release', () => {
  it('karpenter (0.12): one NodePool <ns>-<ws> with Kaito labels, Karpenter NodeClaims, pods pinned to them; delete removes both', async () => {
    sb = testContext({ provisioner: 'karpenter', speed: 6000 });
    const { ctx } = sb;
    createKaitoController(ctx);
    expect(ctx.store.get('apiextensions.k8s.io/customresourcedefinitions', undefined, 'nodepools.karpenter.sh')).toBeDefined();
    ctx.store.create(WS, inferenceWorkspace('chat'));
    const ready = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'chat');
      return state(w) === 'Ready' && w;
    }, 20_000, 'Ready');
    expect(cond(ready, 'NodeClaimReady')?.status).toBe('True');
    const pool = ctx.store.get('karpenter.sh/nodepools', undefined, 'default-chat')!;
    expect(pool.metadata.labels).toEqual({ 'karpenter.kaito.sh/managed-by': 'kaito', 'karpenter.kaito.sh/workspace-name': 'chat', 'karpenter.kaito.sh/workspace-namespace': 'default' });
    expect((pool.spec as { replicas: number }).replicas).toBe(1);
    const claims = ctx.store.list('karpenter.sh/nodeclaims').items;
    expect(claims).toHaveLength(1);
    expect(claims[0].metadata.name).toMatch(/^default-chat-[a-z0-9]{5}$/);
    expect(claims[0].metadata.labels).toMatchObject({ 'karpenter.sh/nodepool': 'default-chat', 'karpenter.kaito.sh/workspace-name': 'chat', app: 'chat' });
    expect(claims[0].metadata.labels?.['kaito.sh/workspace']).toBeUndefined();
    const pod = ctx.store.get('/pods', 'default', 'chat-0')!;
    expect(affinityKeys(pod)).toEqual(['app=chat', 'karpenter.kaito.sh/workspace-name=chat', 'karpenter.kaito.sh/workspace-namespace=default']);

    ctx.store.delete(WS, 'default', 'chat');
    await waitFor(ctx, () => !ctx.store.get(WS, 'default', 'chat') && ctx.store.list('karpenter.sh/nodeclaims').items.length === 0 && !ctx.store.get('karpenter.sh/nodepools', undefined, 'default-chat'), 20_000, 'workspace, NodePool and NodeClaims gone');
  });

  it('NodePool names over 63 characters are cut and suffixed with a hash', () => {
    const n = karpenterNodePoolName('a-rather-long-namespace-name', 'and-an-even-longer-workspace-name-too');
    expect(n).toHaveLength(63);
    expect(n).toMatch(/^a-rather-long-namespace-name-and-an-even-longer-works-[0-9a-f]{9}$/);
    expect(karpenterNodePoolName('default', 'chat')).toBe('default-chat');
  });

  it('gpu-provisioner 0.12: a user pool with the matchLabels is not used; Kaito provisions a node for the workspace', async () => {
    sb = testContext({ speed: 6000 });
    const { ctx } = sb;
    createKaitoController(ctx);
    userPoolNode(ctx, { app: 'chat' });
    ctx.store.create(WS, inferenceWorkspace('chat'));
    await waitFor(ctx, () => state(ctx.store.get(WS, 'default', 'chat')) === 'Ready', 20_000, 'Ready');
    expect(ctx.store.list('karpenter.sh/nodeclaims').items).toHaveLength(1);
    const pod = ctx.store.get('/pods', 'default', 'chat-0')!;
    expect(affinityKeys(pod)).toEqual(['app=chat', 'kaito.sh/workspace=chat', 'kaito.sh/workspacenamespace=default']);
    expect((pod.spec as { nodeName?: string }).nodeName).not.toMatch(/gpua100/);
  });

  it('gpu-provisioner 0.10: the same user pool is reused, no NodeClaim', async () => {
    sb = testContext({ version: '0.10', speed: 6000 });
    const { ctx } = sb;
    createKaitoController(ctx);
    userPoolNode(ctx, { app: 'chat' });
    ctx.store.create(WS, inferenceWorkspace('chat'));
    await waitFor(ctx, () => state(ctx.store.get(WS, 'default', 'chat')) === 'Ready', 20_000, 'Ready');
    expect(ctx.store.list('karpenter.sh/nodeclaims').items).toHaveLength(0);
    expect(affinityKeys(ctx.store.get('/pods', 'default', 'chat-0')!)).toEqual(['app=chat']);
  });
});
