// The Workspace reconciler: finalizer, nodes (./resources.ts), then the tuning Job (./tuning-reconcile.ts) or the
// inference workload + Services (./inference-reconcile.ts), then status (conditions, state, workerNodes) computed from what exists now.
// Runs synchronously against the in-process store; Pods move on their own (./tuning-pod.ts,
// ./inference-pod.ts) and every change they make re-queues the Workspace.
import { versionAtLeast, type SandboxContext } from '../context.js';
import { estimateNodes, MAX_NODES_V011 } from './estimator.js';
import { recordEvent } from './events.js';
import type { KObject } from '../store.js';
import { getCondition, setCondition } from './conditions.js';
import { reconcileInference } from './inference-reconcile.js';
import { isNodeReady, JOB_RES, NODECLAIM_RES, NODEPOOL_RES, patchObject, patchStatus, POD_RES, STS_RES, SVC_RES, tryDelete, WS_LABEL, WS_RES } from './objects.js';
import { reconcileTuning, trackRevision } from './tuning-reconcile.js';
import { karpenterNodePoolName } from './placement.js';
import { qualifiedNodes, reconcileResources, workspaceClaims } from './resources.js';
import type { Condition, WorkspaceView } from './types.js';
import { viewWorkspace } from './workspace-view.js';

export const WORKSPACE_FINALIZER = 'workspace.finalizer.kaito.sh';

export class WorkspaceReconciler {
  constructor(private readonly ctx: SandboxContext) {}

  reconcile(namespace: string, name: string): void {
    const { store } = this.ctx;
    let ws = store.get(WS_RES, namespace, name);
    if (!ws) return;
    if (ws.metadata.deletionTimestamp) return this.finalize(ws);
    if (!ws.metadata.finalizers?.includes(WORKSPACE_FINALIZER)) {
      ws = patchObject(store, WS_RES, namespace, name, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), WORKSPACE_FINALIZER];
      })!;
    }
    const v = viewWorkspace(ws);
    if (v.tuning) ws = trackRevision(this.ctx, ws, v);

    const status = structuredClone((ws.status as Record<string, unknown> | undefined) ?? {});
    if (this.targetNodeCount(ws, v, status) === 'halted') return this.writeStatus(ws, status);
    const conds = ((status.conditions as Condition[] | undefined) ??= []);
    const res = reconcileResources(this.ctx, ws, v, status, conds);
    if (!res.ready) this.notYetScheduled(v, status, conds);
    else if (v.tuning) reconcileTuning(this.ctx, ws, v, status, conds, res.workerNodes);
    else reconcileInference(this.ctx, ws, v, status, conds);
    if (this.ctx.kaitoVersion === '0.6') {
      delete status.state;
      delete status.targetNodeCount;
    }
    this.writeStatus(ws, status);
  }

  /** compat R8: v0.10+ computes targetNodeCount once (while it is 0): the node estimator for vLLM inference, `count`
   *  otherwise (v0.12 workspace_controller.go UpdateWorkspaceTargetNodeCount); v0.11 halts above 3 nodes
   *  (guardTargetNodeCount: a Warning event, nothing provisioned). Sets v.count to what is provisioned. */
  private targetNodeCount(ws: KObject, v: WorkspaceView, status: Record<string, unknown>): 'ok' | 'halted' {
    if (!versionAtLeast(this.ctx.kaitoVersion, '0.10') || v.kind !== 'inference') return 'ok';
    const prior = Number(status.targetNodeCount ?? 0);
    if (prior > 0) v.count = prior;
    else {
      const est = estimateNodes(this.ctx, v, qualifiedNodes(this.ctx, v).filter(isNodeReady));
      if (est && 'nodes' in est) v.count = Math.max(1, est.nodes);
      // not emulated: Kaito returns the estimator's error from Reconcile and creates nothing; here `count` stands
      else if (est) this.ctx.log('kaito', `workspace ${v.namespace}/${v.name}: failed to calculate target node count: ${est.error}`);
    }
    if (this.ctx.kaitoVersion === '0.11' && v.count > MAX_NODES_V011) {
      status.targetNodeCount = v.count;
      const msg = `estimated node count ${v.count} exceeds the maximum allowed ${MAX_NODES_V011}; node provisioning halted. Use a larger GPU instance type or reduce model/context size.`;
      if (prior === 0) recordEvent(this.ctx.store, ws, 'Warning', 'NodeCountExceedsLimit', msg, 'kaito-workspace');
      return 'halted';
    }
    return 'ok';
  }

  private writeStatus(ws: KObject, status: Record<string, unknown>): void {
    if (JSON.stringify(status) === JSON.stringify(ws.status ?? {})) return;
    patchStatus(this.ctx.store, WS_RES, ws.metadata.namespace, ws.metadata.name, (s) => {
      for (const k of Object.keys(s)) delete s[k];
      Object.assign(s, status);
    });
  }

  private notYetScheduled(v: WorkspaceView, status: Record<string, unknown>, conds: Condition[]): void {
    const gen = v.generation;
    if (v.tuning) {
      // a verdict about an older generation must not stand while the new one waits for nodes
      const done = getCondition(conds, 'WorkspaceSucceeded');
      if (done && done.observedGeneration !== gen) setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: 'waiting for resources', observedGeneration: gen });
      status.state = 'Pending';
      return;
    }
    const wasReady = status.state === 'Ready' || status.state === 'NotReady';
    setCondition(conds, { type: 'InferenceReady', status: 'False', reason: 'WorkspaceInferenceStatusPending', message: 'waiting for resources to be ready', observedGeneration: gen });
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: 'waiting for resources to be ready', observedGeneration: gen });
    status.state = wasReady ? 'NotReady' : 'Pending';
  }

  /** Deleting: owned objects and NodeClaims go first; the finalizer goes when no NodeClaim is left. */
  private finalize(ws: KObject): void {
    const { store } = this.ctx;
    const v = viewWorkspace(ws);
    const status = structuredClone((ws.status as Record<string, unknown> | undefined) ?? {});
    const conds = ((status.conditions as Condition[] | undefined) ??= []);
    setCondition(conds, { type: 'WorkspaceDeleting', status: 'True', reason: 'workspaceDeleted', message: 'workspace is being deleted', observedGeneration: v.generation });
    this.writeStatus(ws, status);
    tryDelete(store, JOB_RES, v.namespace, v.name);
    tryDelete(store, STS_RES, v.namespace, v.name);
    tryDelete(store, 'apps/deployments', v.namespace, v.name); // compat I1: Kaito 0.6's inference Deployment
    tryDelete(store, SVC_RES, v.namespace, v.name);
    tryDelete(store, SVC_RES, v.namespace, `${v.name}-headless`);
    for (const p of store.list(POD_RES, v.namespace, (o) => o.metadata.labels?.[WS_LABEL] === v.name).items) tryDelete(store, POD_RES, v.namespace, p.metadata.name);
    // karpenter: Kaito deletes the workspace's NodePool and Karpenter its NodeClaims (v0.12 NP karpenter DeleteNodes; compat N21)
    if (this.ctx.nodeProvisioner === 'karpenter') tryDelete(store, NODEPOOL_RES, undefined, karpenterNodePoolName(v.namespace, v.name));
    const claims = workspaceClaims(this.ctx, v);
    for (const c of claims) if (!c.metadata.deletionTimestamp) tryDelete(store, NODECLAIM_RES, undefined, c.metadata.name);
    if (workspaceClaims(this.ctx, v).length) return; // re-queued when the gpu-provisioner releases them
    if (!ws.metadata.finalizers?.includes(WORKSPACE_FINALIZER)) return;
    patchObject(store, WS_RES, v.namespace, v.name, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== WORKSPACE_FINALIZER);
    });
  }
}

