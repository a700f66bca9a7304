// Node side of a Workspace: which Nodes qualify, which NodeClaims to create (NAP), and the
// NodeClaimReady / NodesReady / ResourceReady verdicts with Kaito's reasons.
import { versionAtLeast, type SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { setCondition } from './conditions.js';
import { hex, isNodeReady, labelsMatch, NODE_RES, NODECLAIM_RES, NODEPOOL_RES, patchObject, WS_LABEL, WS_NS_LABEL } from './objects.js';
import { KARPENTER_POOL_LABEL } from './karpenter.js';
import { KARPENTER_MANAGED_BY, KARPENTER_WS_NAME, KARPENTER_WS_NAMESPACE, karpenterNodePoolName, sanitizedMatchLabels, workspaceNodeSelector } from './placement.js';
import { NODECLAIM_FINALIZER } from './gpu-provisioner.js';
import type { Condition, WorkspaceView } from './types.js';

export interface ResourceVerdict { ready: boolean; workerNodes: string[] }

/** Nodes that count for the workspace: its node selector (v0.11+ NAP: only nodes provisioned for it; compat N20), in NAP of its instance type. */
export function qualifiedNodes(ctx: SandboxContext, v: WorkspaceView): KObject[] {
  const byInstanceType = ctx.nodeProvisioning === 'nap' && v.instanceType;
  const selector = workspaceNodeSelector(ctx, v);
  return ctx.store.list(NODE_RES, undefined, (n) => !n.metadata.deletionTimestamp && labelsMatch(n.metadata.labels, selector) && (!byInstanceType || n.metadata.labels?.['node.kubernetes.io/instance-type'] === v.instanceType)).items;
}

/** The NodeClaims serving the workspace: the gpu-provisioner's by workspace labels, Karpenter's by NodePool (compat N1, N21). */
export function workspaceClaims(ctx: SandboxContext, v: WorkspaceView): KObject[] {
  if (ctx.nodeProvisioner === 'karpenter') {
    const pool = karpenterNodePoolName(v.namespace, v.name);
    return ctx.store.list(NODECLAIM_RES, undefined, (c) => c.metadata.labels?.[KARPENTER_POOL_LABEL] === pool).items;
  }
  return ctx.store.list(NODECLAIM_RES, undefined, (c) => c.metadata.labels?.[WS_LABEL] === v.name && c.metadata.labels?.[WS_NS_LABEL] === v.namespace).items;
}

/** Kaito's per-workspace Karpenter NodePool (v0.12 pkg/nodeprovision/karpenter/nodepool.go generateNodePool; compat N21). */
function ensureKarpenterNodePool(ctx: SandboxContext, ws: KObject, v: WorkspaceView, replicas: number): void {
  const name = karpenterNodePoolName(v.namespace, v.name);
  const existing = ctx.store.get(NODEPOOL_RES, undefined, name);
  if (existing) {
    if ((existing.spec as { replicas?: number } | undefined)?.replicas !== replicas)
      patchObject(ctx.store, NODEPOOL_RES, undefined, name, (o) => {
        (o.spec as { replicas?: number }).replicas = replicas;
      });
    return;
  }
  const family = ws.metadata.annotations?.['kaito.sh/node-image-family'];
  ctx.store.create(NODEPOOL_RES, {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name, labels: { [KARPENTER_MANAGED_BY]: 'kaito', [KARPENTER_WS_NAME]: v.name, [KARPENTER_WS_NAMESPACE]: v.namespace }, finalizers: [NODECLAIM_FINALIZER] },
    spec: {
      replicas,
      template: {
        metadata: { labels: { ...sanitizedMatchLabels(ctx, v), [KARPENTER_WS_NAME]: v.name, [KARPENTER_WS_NAMESPACE]: v.namespace } },
        spec: {
          nodeClassRef: { group: 'karpenter.azure.com', kind: 'AKSNodeClass', name: family === 'azurelinux' ? 'image-family-azure-linux' : 'image-family-ubuntu' },
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [v.instanceType] },
            { key: 'kubernetes.azure.com/placement-scope', operator: 'In', values: ['regional'] },
          ],
          taints: [{ key: 'sku', value: 'gpu', effect: 'NoSchedule' }],
        },
      },
      disruption: { consolidateAfter: '0s', budgets: [{ nodes: '1', reasons: ['Drifted'] }] },
    },
  });
  ctx.log('kaito', `workspace ${v.namespace}/${v.name}: created karpenter nodepool ${name} (${v.instanceType} x${replicas})`);
}

function newClaim(ctx: SandboxContext, ws: KObject, v: WorkspaceView): KObject {
  const annotations: Record<string, string> = {};
  const family = ws.metadata.annotations?.['kaito.sh/node-image-family'];
  if (family) annotations['kaito.sh/node-image-family'] = family;
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodeClaim',
    metadata: {
      name: `ws${hex(9)}`,
      labels: { ...sanitizedMatchLabels(ctx, v), [WS_LABEL]: v.name, [WS_NS_LABEL]: v.namespace, 'karpenter.sh/nodepool': 'kaito', 'kubernetes.azure.com/managed': 'false' },
      annotations,
      finalizers: [NODECLAIM_FINALIZER],
    },
    spec: {
      nodeClassRef: { group: 'karpenter.azure.com', kind: 'AKSNodeClass', name: family === 'azurelinux' ? 'image-family-azure-linux' : 'image-family-ubuntu' },
      requirements: [
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [v.instanceType] },
        { key: 'karpenter.sh/nodepool', operator: 'In', values: ['kaito'] },
        { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
      ],
      resources: { requests: { storage: '300Gi' } },
      taints: [{ key: 'sku', value: 'gpu', effect: 'NoSchedule' }],
    },
  };
}

const claimCond = (c: KObject, type: string) => ((c.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((x) => x.type === type);

/** Creates missing NodeClaims (NAP) and writes the resource conditions into `conds`. */
export function reconcileResources(ctx: SandboxContext, ws: KObject, v: WorkspaceView, status: Record<string, unknown>, conds: Condition[]): ResourceVerdict {
  const gen = v.generation;
  // NodesReady and the v1beta1 targetNodeCount are v0.10+ here (compat N23); v0.6 keeps neither
  const v010 = versionAtLeast(ctx.kaitoVersion, '0.10');
  const target = v.count;
  if (v010) status.targetNodeCount = target;
  const nodes = qualifiedNodes(ctx, v);
  const readyNodes = nodes.filter(isNodeReady);
  const workerNodes = readyNodes.map((n) => n.metadata.name).sort().slice(0, Math.max(target, 1));

  let claimOk = true;
  let claimReason = 'NodeClaimsReady';
  let claimMsg = 'Enough NodeClaims are ready';
  if (ctx.nodeProvisioning === 'nap') {
    const claims = workspaceClaims(ctx, v).filter((c) => !c.metadata.deletionTimestamp);
    const own = new Set(claims.map((c) => c.metadata.name));
    const foreign = nodes.filter((n) => !own.has(n.metadata.labels?.agentpool ?? ''));
    const foreignReady = foreign.filter(isNodeReady).length;
    const missing = target - foreign.length - claims.length;
    if (ctx.nodeProvisioner === 'karpenter') ensureKarpenterNodePool(ctx, ws, v, Math.max(0, target - foreign.length));
    else for (let i = 0; i < missing; i++) {
      const c = ctx.store.create(NODECLAIM_RES, newClaim(ctx, ws, v));
      claims.push(c);
      ctx.log('kaito', `workspace ${v.namespace}/${v.name}: created nodeclaim ${c.metadata.name} (${v.instanceType})`);
    }
    const readyClaims = claims.filter((c) => claimCond(c, 'Ready')?.status === 'True').length;
    if (readyClaims + foreignReady < target) {
      claimOk = false;
      const failed = claims.find((c) => claimCond(c, 'Launched')?.status === 'False');
      // compat N24: only v0.12 copies the NodeClaim's launch error (reason + truncated message) into the Workspace;
      // v0.10-v0.11 say NodeClaimNotReady and the cause stays on the NodeClaim
      if (failed && ctx.kaitoVersion === '0.12') {
        const launched = claimCond(failed, 'Launched');
        claimReason = launched?.reason ?? 'LaunchFailed';
        claimMsg = (launched?.message ?? '').slice(0, 512);
      } else {
        claimReason = 'NodeClaimNotReady';
        claimMsg = `Ready NodeClaims are not enough (${readyClaims + foreignReady}/${target}); waiting for ${claims.map((c) => c.metadata.name).join(', ') || 'nodes'}`;
      }
    }
    setCondition(conds, { type: 'NodeClaimReady', status: claimOk ? 'True' : 'False', reason: claimReason, message: claimMsg, observedGeneration: gen });
  }

  const nodesOk = readyNodes.length >= target;
  let nodeReason = nodesOk ? 'NodesReady' : 'NodeNotReady';
  let nodeMsg = nodesOk ? 'Enough Nodes are ready with GPU resources' : `Not enough Nodes are ready (${readyNodes.length}/${target})`;
  if (!nodesOk && ctx.nodeProvisioning === 'byo' && readyNodes.length === 0) {
    const sel = Object.entries(v.matchLabels).map(([k, val]) => `${k}=${val}`).join(',');
    nodeReason = 'Unschedulable';
    nodeMsg = `no ready GPU nodes match the workspace: 0/${ctx.store.list(NODE_RES).items.length} nodes carry the labels ${sel}; add a GPU node pool with these labels (kaito nodepool add --labels ${sel})`;
  }
  if (v010) setCondition(conds, { type: 'NodesReady', status: nodesOk ? 'True' : 'False', reason: nodeReason, message: nodeMsg, observedGeneration: gen });

  const ready = nodesOk && claimOk;
  if (ready) setCondition(conds, { type: 'ResourceReady', status: 'True', reason: 'workspaceResourceStatusSuccess', message: 'workspace resource is ready', observedGeneration: gen });
  else if (!claimOk) setCondition(conds, { type: 'ResourceReady', status: 'False', reason: claimReason, message: claimMsg, observedGeneration: gen });
  else setCondition(conds, { type: 'ResourceReady', status: 'False', reason: nodeReason, message: nodeMsg, observedGeneration: gen });
  status.workerNodes = workerNodes;
  return { ready, workerNodes };
}
