// Node side of a Workspace: which Nodes qualify, which NodeClaims to create (NAP), and the
// NodeClaimReady / NodesReady / ResourceReady verdicts with Kaito's reasons.
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { setCondition } from './conditions.js';
import { hex, isNodeReady, labelsMatch, NODE_RES, NODECLAIM_RES, WS_LABEL, WS_NS_LABEL } from './objects.js';
import { NODECLAIM_FINALIZER } from './gpu-provisioner.js';
import type { Condition, WorkspaceView } from './types.js';

export interface ResourceVerdict { ready: boolean; workerNodes: string[] }

export function qualifiedNodes(ctx: SandboxContext, v: WorkspaceView): KObject[] {
  const byInstanceType = ctx.nodeProvisioning === 'nap' && v.instanceType;
  return ctx.store.list(NODE_RES, undefined, (n) => !n.metadata.deletionTimestamp && labelsMatch(n.metadata.labels, v.matchLabels) && (!byInstanceType || n.metadata.labels?.['node.kubernetes.io/instance-type'] === v.instanceType)).items;
}

export function workspaceClaims(ctx: SandboxContext, v: WorkspaceView): KObject[] {
  return ctx.store.list(NODECLAIM_RES, undefined, (c) => c.metadata.labels?.[WS_LABEL] === v.name && c.metadata.labels?.[WS_NS_LABEL] === v.namespace).items;
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
      labels: { ...v.matchLabels, [WS_LABEL]: v.name, [WS_NS_LABEL]: v.namespace, 'karpenter.sh/nodepool': 'kaito', 'kubernetes.azure.com/managed': 'false' },
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
  const v012 = ctx.kaitoVersion === '0.12';
  const target = v.count;
  if (v012) status.targetNodeCount = target;
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
    for (let i = 0; i < missing; i++) {
      const c = ctx.store.create(NODECLAIM_RES, newClaim(ctx, ws, v));
      claims.push(c);
      ctx.log('kaito', `workspace ${v.namespace}/${v.name}: created nodeclaim ${c.metadata.name} (${v.instanceType})`);
    }
    const readyClaims = claims.filter((c) => claimCond(c, 'Ready')?.status === 'True').length;
    if (readyClaims + foreignReady < target) {
      claimOk = false;
      const failed = claims.find((c) => claimCond(c, 'Launched')?.status === 'False');
      if (failed) {
        claimReason = 'NodeClaimLaunchFailed';
        claimMsg = `nodeClaim ${failed.metadata.name} is not launched: ${claimCond(failed, 'Launched')?.message ?? ''}`;
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
  if (v012) setCondition(conds, { type: 'NodesReady', status: nodesOk ? 'True' : 'False', reason: nodeReason, message: nodeMsg, observedGeneration: gen });

  const ready = nodesOk && claimOk;
  if (ready) setCondition(conds, { type: 'ResourceReady', status: 'True', reason: 'workspaceResourceStatusSuccess', message: 'workspace resource is ready', observedGeneration: gen });
  else if (!claimOk) setCondition(conds, { type: 'ResourceReady', status: 'False', reason: claimReason, message: claimMsg, observedGeneration: gen });
  else setCondition(conds, { type: 'ResourceReady', status: 'False', reason: nodeReason, message: nodeMsg, observedGeneration: gen });
  status.workerNodes = workerNodes;
  return { ready, workerNodes };
}
